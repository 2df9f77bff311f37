import type { GroupMsgRule } from './receive-cap.ts';
import type { SandboxState } from './state.ts';
import type {
  ExternalContact,
  FollowRelation,
  KfAccount,
  KfMessage,
  KfSentMessage,
  MsgTemplate,
  Rep,
  SentAppMessage,
  StoredMedia,
  TagGroup,
  WelcomeCode,
} from './types.ts';

/** Everything in the sandbox corp as plain JSON (deep copies, safe to keep or mutate). */
export interface StateSnapshot {
  reps: Rep[];
  contacts: ExternalContact[];
  relations: FollowRelation[];
  tagGroups: TagGroup[];
  kfAccounts: KfAccount[];
  kfMessages: KfMessage[];
  kfSent: KfSentMessage[];
  appMessages: SentAppMessage[];
  msgTemplates: MsgTemplate[];
  welcomeCodes: WelcomeCode[];
  /** Uploaded temporary media (the files base64). */
  media: StoredMedia[];
  /** The admin's 企业群发 receive rule (receipts are derived from msgTemplates). */
  groupMsgRule: GroupMsgRule;
}

/** Copies the state so a caller (a test, the control API) cannot change it by accident. */
export function snapshotState(state: SandboxState): StateSnapshot {
  return structuredClone({
    reps: [...state.reps.values()],
    contacts: [...state.contacts.values()],
    relations: [...state.relations.values()],
    tagGroups: state.tagGroups,
    kfAccounts: [...state.kfAccounts.values()],
    kfMessages: state.kfMessages,
    kfSent: state.kfSent,
    appMessages: state.appMessages,
    msgTemplates: [...state.msgTemplates.values()],
    welcomeCodes: [...state.welcomeCodes.values()],
    media: [...state.media.values()],
    groupMsgRule: state.groupMsgReceipts.rule,
  });
}
