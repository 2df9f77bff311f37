import type { Clock } from '../../shared/clock.ts';
import type { SandboxState } from '../state.ts';
import type { SandboxCredentials } from '../types.ts';
import type { TokenStore } from './token.ts';

/** Every WeCom answer: errcode 0 = ok, plus the API's own fields. */
export type ApiResult = { errcode: number; errmsg: string } & Record<string, unknown>;

/** What a handler gets: the parsed request plus the corp it acts on. */
export interface ApiContext {
  query: URLSearchParams;
  /** Parsed JSON body; `{}` for GET or an empty body (and for a multipart route). */
  body: Record<string, unknown>;
  /** A multipart route's raw request: its Content-Type (with the boundary) and bytes. */
  upload?: { contentType: string; bytes: Buffer };
  state: SandboxState;
  credentials: SandboxCredentials;
  tokens: TokenStore;
  clock: Clock;
}

/** Handlers are synchronous: the state is in memory, latency is added by the server. */
export type ApiHandler = (ctx: ApiContext) => ApiResult;

export interface ApiRoute {
  path: string;
  /** False only for gettoken: everything else needs ?access_token=. */
  auth: boolean;
  handler: ApiHandler;
  /** A multipart/form-data upload: the body is bytes, up to this many (else JSON, up to MAX_BODY_BYTES). */
  maxUploadBytes?: number;
}

/** A success answer with extra fields. */
export function ok(extra: Record<string, unknown> = {}): ApiResult {
  return { errcode: 0, errmsg: 'ok', ...extra };
}

/** An error answer (HTTP stays 200, as at WeCom). */
export function fail(errcode: number, errmsg: string): ApiResult {
  return { errcode, errmsg };
}

/** Error codes the handlers use, named once (docs/wecom/api.md, 'Errcodes', and WeCom's global code list). */
export const ERR = {
  systemBusy: -1,
  invalidSecret: 40001,
  invalidUserId: 40003,
  invalidCorpId: 40013,
  invalidToken: 40014,
  invalidAgentId: 40056,
  invalidParam: 40058,
  invalidMediaType: 40004,
  invalidFileSize: 40006,
  invalidMediaId: 40007,
  invalidImageSize: 40009,
  invalidVideoSize: 40011,
  emptyMedia: 44001,
  invalidTagId: 40068,
  invalidExternalUserId: 40096,
  tagLimit: 40126,
  missingToken: 41001,
  missingCorpId: 41002,
  missingSecret: 41004,
  noReceiver: 41048,
  welcomeCodeInvalid: 41050,
  welcomeCodeUsed: 41051,
  tokenExpired: 42001,
  rateLimited: 45009,
  concurrencyLimited: 45033,
  badJson: 47001,
  userNotFound: 60111,
  allReceiversInvalid: 81013,
  noRelation: 84061,
  invalidOpenKfId: 95000,
  kfSendCountLimit: 95001,
  kfSendTimeLimit: 95002,
  // UNCONFIRMED: the code WeCom answers for a bad sync_msg token; 95007 per community lists.
  kfInvalidSyncToken: 95007,
  // UNCONFIRMED: response_url's errcodes are not documented; the sandbox's own code for a
  // used, expired or unknown response_code (docs/wecom/aibot.md, 'Unconfirmed').
  aibotResponseCodeInvalid: 99998,
  // Not a WeCom code: the sandbox's answer for a /cgi-bin path it does not implement
  // (the same convention as wechatpy's fixture-based fake).
  unknownApi: 99999,
} as const;
