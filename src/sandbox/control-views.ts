import { receivePeriod } from './receive-cap.ts';
import type { SandboxState } from './state.ts';

/** GET /_sandbox/groupmsg-rule: the rule, the current period in the sandbox's clock, and a customer's count in it. */
export function groupMsgRuleView(state: SandboxState, externalUserId?: string): Record<string, unknown> {
  const receipts = state.groupMsgReceipts;
  const now = state.now();
  const period = receivePeriod(receipts.rule, now);
  return {
    rule: receipts.rule,
    cap: period.cap,
    period: { start: period.start, end: period.end },
    ...(externalUserId ? { external_userid: externalUserId, received: receipts.count(externalUserId, now) } : {}),
  };
}
