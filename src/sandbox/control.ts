import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenStore } from './api/token.ts';
import { aibotRepliesView, simulateAibotMessage, type AibotSimulateDeps } from './aibot-simulate.ts';
import { appMessagesView, groupMsgRuleView, mediaView, welcomesView } from './control-views.ts';
import { parseFaultSpec, type FaultInjector } from './faults.ts';
import { parseLoose, readBody, sendJson } from './http.ts';
import { parseRateLimit, type PathRateLimiter } from './limits.ts';
import { normalizeApiPath } from './paths.ts';
import { GROUP_MSG_RULES, type GroupMsgRule } from './receive-cap.ts';
import type { CallRecorder } from './recorder.ts';
import type { SeedInput } from './seed.ts';
import type { CallbackSender } from './sender.ts';
import { SimulationError, type Simulator } from './simulate.ts';
import type { SandboxState } from './state.ts';
import type { SandboxCredentials } from './types.ts';

export interface ControlDeps {
  state: SandboxState;
  faults: FaultInjector;
  calls: CallRecorder;
  tokens: TokenStore;
  simulate: Simulator;
  credentials: SandboxCredentials;
  sender: () => CallbackSender | undefined;
  setCallbackUrl: (url: string | undefined) => void;
  limiter: PathRateLimiter;
  aibot: AibotSimulateDeps;
}

type Body = Record<string, unknown>;
type Action = (body: Body, url: URL) => unknown;

/** A bad control request: answered with HTTP 400 and `{error, message}`. */
const bad = (message: string): SimulationError => new SimulationError(400, 'bad_request', message);

function need(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw bad(`${name} (non-empty string) is required`);
  }
  return value;
}

const opt = (body: Body, name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
const list = (body: Body, name: string): string[] | undefined =>
  Array.isArray(body[name]) ? (body[name] as unknown[]).filter((v): v is string => typeof v === 'string') : undefined;

/** `METHOD /path` → action. Paths are relative to /_sandbox. */
function routes(d: ControlDeps): Map<string, Action> {
  const pair = (b: Body) => ({ userid: need(b, 'userid'), external_userid: need(b, 'external_userid') });
  return new Map<string, Action>([
    ['GET /health', () => ({ ok: true, corpId: d.credentials.corpId, agentId: d.credentials.agentId, callbackUrl: d.sender()?.callbackUrl ?? null })],
    ['GET /state', () => d.state.snapshot()],
    ['POST /seed', (b) => d.state.seed(b as SeedInput)],
    ['POST /reset', () => {
      d.state.reset();
      d.faults.clear();
      d.limiter.reset();
      return { cleared: d.calls.clear() };
    }],
    ['GET /calls', (_b, url) => {
      const q = url.searchParams;
      const errcode = q.get('errcode');
      const since = q.get('since');
      return {
        calls: d.calls.list({
          ...(q.get('path') ? { path: q.get('path')! } : {}),
          ...(q.get('method') ? { method: q.get('method')! } : {}),
          ...(errcode === null ? {} : { errcode: Number(errcode) }),
          ...(since === null ? {} : { since: Number(since) }),
        }),
      };
    }],
    ['DELETE /calls', () => ({ cleared: d.calls.clear() })],
    ['GET /faults', () => ({ faults: d.faults.list() })],
    ['POST /faults', (b) => {
      const specs = Array.isArray(b['faults']) ? (b['faults'] as unknown[]) : [b];
      for (const spec of specs) {
        d.faults.add(parseFaultSpec(spec));
      }
      return { faults: d.faults.list() };
    }],
    ['DELETE /faults', () => (d.faults.clear(), { faults: [] })],
    ['GET /limits', () => ({ limits: d.limiter.quotaList() })],
    ['POST /limits', (b) => (d.limiter.setQuota(normalizeApiPath(need(b, 'path')), parseRateLimit(b)), { limits: d.limiter.quotaList() })],
    ['DELETE /limits', () => (d.limiter.reset(), { limits: d.limiter.quotaList() })],
    ['GET /groupmsg-rule', (_b, url) => groupMsgRuleView(d.state, url.searchParams.get('external_userid') ?? undefined)],
    ['POST /groupmsg-rule', (b) => {
      const rule = b['rule'];
      if (!GROUP_MSG_RULES.includes(rule as GroupMsgRule)) {
        throw bad(`rule must be one of ${GROUP_MSG_RULES.join(', ')}`);
      }
      d.state.groupMsgReceipts.rule = rule as GroupMsgRule;
      return groupMsgRuleView(d.state);
    }],
    ['GET /app-messages', (_b, url) => appMessagesView(d.state, url.searchParams)],
    ['GET /media', (_b, url) => {
      const media = mediaView(d.state, url.searchParams);
      if (!media) throw new SimulationError(404, 'unknown_media', 'no media with that media_id');
      return media;
    }],
    ['GET /welcomes', (_b, url) => welcomesView(d.state, url.searchParams)],
    ['POST /tokens/revoke', () => ({ revoked: d.tokens.revokeAll() })],
    ['POST /callback-url', (b) => (d.setCallbackUrl(opt(b, 'url') || undefined), { callbackUrl: d.sender()?.callbackUrl ?? null })],
    ['POST /verify-url', async (b) => {
      const sender = d.sender();
      if (!sender) {
        throw new SimulationError(409, 'no_callback_url', 'no callback URL configured');
      }
      return sender.verifyUrl(opt(b, 'echostr'));
    }],
    ['POST /simulate/add-contact', (b) =>
      d.simulate.addContact({
        userid: need(b, 'userid'),
        name: need(b, 'name'),
        ...(opt(b, 'external_userid') ? { external_userid: opt(b, 'external_userid')! } : {}),
        ...(opt(b, 'state') ? { state: opt(b, 'state')! } : {}),
        ...(b['welcome_code'] === false ? { welcomeCode: false } : {}),
        ...(b['half'] === true ? { half: true } : {}),
      })],
    ['POST /simulate/customer-message', (b) =>
      d.simulate.customerMessage({
        external_userid: need(b, 'external_userid'),
        text: need(b, 'text'),
        ...(opt(b, 'open_kfid') ? { open_kfid: opt(b, 'open_kfid')! } : {}),
      })],
    ['POST /simulate/member-message', (b) => d.simulate.memberMessage({ userid: need(b, 'userid'), text: need(b, 'text') })],
    ['POST /simulate/aibot-message', (b) => {
      const chattype = opt(b, 'chattype') ?? 'single';
      if (chattype !== 'single' && chattype !== 'group') throw bad('chattype must be single or group');
      return simulateAibotMessage(d.aibot, {
        userid: need(b, 'userid'), text: need(b, 'text'), chattype,
        ...(opt(b, 'chatid') ? { chatid: opt(b, 'chatid')! } : {}),
        ...(b['open_userid'] === true ? { openUserId: true } : {}),
        ...(opt(b, 'mention') === undefined ? {} : { mention: opt(b, 'mention')! }),
      });
    }],
    ['GET /aibot-replies', (_b, url) => aibotRepliesView(d.state, url.searchParams)],
    ['POST /aibot-verify-url', async (b) => {
      const sender = d.aibot.sender();
      if (!sender) throw new SimulationError(409, 'no_callback_url', 'no 智能机器人 callback URL configured');
      return sender.verifyUrl(opt(b, 'echostr'));
    }],
    ['POST /simulate/delete-contact', (b) => d.simulate.deleteContact(pair(b))],
    ['POST /simulate/customer-deletes-rep', (b) => d.simulate.customerDeletesRep(pair(b))],
    ['POST /simulate/edit-tags', (b) => {
      const add = list(b, 'add_tag');
      const remove = list(b, 'remove_tag');
      return d.simulate.editTags({
        ...pair(b),
        ...(add ? { add_tag: add } : {}),
        ...(remove ? { remove_tag: remove } : {}),
        ...(opt(b, 'remark') === undefined ? {} : { remark: opt(b, 'remark')! }),
        ...(opt(b, 'description') === undefined ? {} : { description: opt(b, 'description')! }),
      });
    }],
    ['POST /simulate/confirm-groupmsg', (b) =>
      d.simulate.confirmGroupMsg({ msgid: need(b, 'msgid'), ...(opt(b, 'userid') ? { userid: opt(b, 'userid')! } : {}) })],
  ]);
}

/**
 * Builds the handler for `/_sandbox/*`: plain JSON with real HTTP statuses (unlike the
 * WeCom API), so curl and the demo CLI can tell success from failure at a glance.
 */
export function createControlHandler(deps: ControlDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const table = routes(deps);
  return async (req, res, url) => {
    const action = table.get(`${req.method ?? 'GET'} ${url.pathname.slice('/_sandbox'.length)}`);
    if (!action) {
      sendJson(res, 404, { error: 'not_found', message: `no control endpoint ${req.method} ${url.pathname}` });
      return;
    }
    try {
      const parsed = parseLoose(await readBody(req));
      if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
        throw bad('body must be a JSON object');
      }
      sendJson(res, 200, await action((parsed ?? {}) as Body, url));
    } catch (error) {
      if (error instanceof SimulationError) {
        sendJson(res, error.status, { error: error.code, message: error.message });
      } else {
        // Seed and fault validation throw plain Errors: those are the caller's mistakes.
        sendJson(res, 400, { error: 'bad_request', message: (error as Error).message });
      }
    }
  };
}
