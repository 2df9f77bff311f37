import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../shared/errors.ts';
import type { ApiToken } from './api-tokens.ts';
import { CREDENTIAL_VARIABLES, envSchema, FILE_VARIABLES } from './schema.ts';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials.ts';

export interface WeComConfig {
  corpId: string;
  agentId: number;
  secret: string;
  token: string;
  encodingAESKey: string;
  /** Where API calls go: https://qyapi.weixin.qq.com, or the sandbox. */
  apiBase: string;
}

export interface Config {
  /** `sandbox` when no WeCom credentials were given: Fenji starts the sandbox in-process. */
  mode: 'wecom' | 'sandbox';
  wecom: WeComConfig;
  callback: { maxAgeSeconds: number; maxBodyBytes: number };
  /** WeCom's 智能机器人 (URL callback at /wecom/aibot): its Token and EncodingAESKey; null = the route is off. */
  aibot: { token: string; encodingAESKey: string } | null;
  redis: { url: string; keyPrefix: string; autostart: boolean };
  http: { port: number; host: string };
  dataDir: string;
  timezone: string;
  /** Absolute path of the tier rules file (FENJI_TIERS_FILE). */
  tiersFile: string;
  /** Absolute path of the occasions file (FENJI_OCCASIONS_FILE, or occasions.jsonc beside the tier rules). */
  occasionsFile: string;
  /** Outreach: the corp's receive rule, the add_msg_template quota a minute, and whether this is a dry run. */
  outreach: { groupMsgRule: 'month' | 'week' | 'day'; groupMsgPerMinute: number; dryRun: boolean };
  /** In sandbox mode, the sandbox runs in-process unless WECOM_API_BASE or SANDBOX_URL points at one. */
  sandbox: { port: number; inProcess: boolean };
  worker: { concurrency: number };
  /** FENJI_CLOCK_OFFSET_MS: Fenji's clock = wall clock + this (tests; sandbox mode only, else 0 is enforced). */
  clockOffsetMs: number;
  /** The bot (issue 9): managers by userid (FENJI_MANAGERS), the per-member flood limit, whether reps may 调级. */
  bot: { managers: string[]; commandsPerMinute: number; repsMaySet: boolean };
  /** HTTP API clients (FENJI_API_TOKENS); empty = the API answers 503 api_disabled. */
  api: { tokens: ApiToken[] };
  log: { level: string; pretty: boolean };
}

export interface LoadConfigOptions {
  readFile?: (file: string) => string;
  cwd?: string;
}

/**
 * Validates every variable at once and returns the typed config.
 * @throws ConfigError listing each problem by variable name.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  options: LoadConfigOptions = {},
): Config {
  const readFile = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  const problems: string[] = [];
  const values: Record<string, string> = {};

  for (const [name, raw] of Object.entries(env)) {
    if (raw !== undefined && raw !== '' && name in envSchema.shape) {
      values[name] = raw.trim();
    }
  }
  for (const name of FILE_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (values[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set: keep one`);
      continue;
    }
    try {
      values[name] = readFile(file).trim();
    } catch (err) {
      problems.push(`${name}_FILE cannot be read (${file}): ${(err as Error).message}`);
    }
  }

  const given = CREDENTIAL_VARIABLES.filter((name) => values[name] !== undefined);
  const missing = CREDENTIAL_VARIABLES.filter((name) => values[name] === undefined);
  if (given.length > 0 && missing.length > 0) {
    problems.push(
      `${missing.join(', ')} must be set too: give all five WeCom credentials, or none to run against the sandbox`,
    );
  }

  if (given.length > 0 && (values['FENJI_CLOCK_OFFSET_MS'] ?? '0') !== '0') {
    // A shifted clock against real WeCom would greet customers on the wrong day.
    problems.push('FENJI_CLOCK_OFFSET_MS is for tests against the sandbox only: unset it when WeCom credentials are given');
  }
  if ((values['WECOM_AIBOT_TOKEN'] === undefined) !== (values['WECOM_AIBOT_ENCODING_AES_KEY'] === undefined)) {
    problems.push('WECOM_AIBOT_TOKEN and WECOM_AIBOT_ENCODING_AES_KEY go together: set both (the 智能机器人 on) or neither (off)');
  }

  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(root)');
      problems.push(`${name} ${issue.message}${describeValue(name, values[name])}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems);
  }

  const e = parsed.data;
  const sandbox = given.length === 0;
  const cwd = options.cwd ?? process.cwd();
  const wecom: WeComConfig = sandbox
    ? {
        ...SANDBOX_CREDENTIALS,
        apiBase: e.WECOM_API_BASE ?? e.SANDBOX_URL ?? `http://127.0.0.1:${e.SANDBOX_PORT}`,
      }
    : {
        corpId: e.WECOM_CORP_ID!,
        agentId: Number(e.WECOM_AGENT_ID),
        secret: e.WECOM_SECRET!,
        token: e.WECOM_TOKEN!,
        encodingAESKey: e.WECOM_ENCODING_AES_KEY!,
        apiBase: e.WECOM_API_BASE ?? 'https://qyapi.weixin.qq.com',
      };

  return {
    mode: sandbox ? 'sandbox' : 'wecom',
    wecom,
    callback: {
      maxAgeSeconds: e.WECOM_CALLBACK_MAX_AGE_S,
      maxBodyBytes: e.WECOM_CALLBACK_MAX_BODY_BYTES,
    },
    aibot: e.WECOM_AIBOT_TOKEN && e.WECOM_AIBOT_ENCODING_AES_KEY ? { token: e.WECOM_AIBOT_TOKEN, encodingAESKey: e.WECOM_AIBOT_ENCODING_AES_KEY } : null,
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, autostart: e.REDIS_AUTOSTART === 'auto' },
    http: { port: e.PORT, host: e.HOST },
    dataDir: path.resolve(cwd, e.DATA_DIR),
    timezone: e.FENJI_TIMEZONE,
    tiersFile: path.resolve(cwd, e.FENJI_TIERS_FILE),
    occasionsFile: e.FENJI_OCCASIONS_FILE
      ? path.resolve(cwd, e.FENJI_OCCASIONS_FILE)
      : path.join(path.dirname(path.resolve(cwd, e.FENJI_TIERS_FILE)), 'occasions.jsonc'),
    outreach: { groupMsgRule: e.FENJI_GROUPMSG_RULE, groupMsgPerMinute: e.FENJI_GROUPMSG_PER_MINUTE, dryRun: e.FENJI_DRY_RUN === '1' },
    sandbox: { port: e.SANDBOX_PORT, inProcess: sandbox && e.WECOM_API_BASE === undefined && e.SANDBOX_URL === undefined },
    worker: { concurrency: e.WORKER_CONCURRENCY },
    clockOffsetMs: e.FENJI_CLOCK_OFFSET_MS,
    bot: { managers: e.FENJI_MANAGERS ?? [], commandsPerMinute: e.FENJI_BOT_COMMANDS_PER_MINUTE, repsMaySet: e.FENJI_BOT_REPS_MAY_SET === '1' },
    api: { tokens: e.FENJI_API_TOKENS ?? [] },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_FORMAT === 'pretty' },
  };
}

/**
 * What a problem message may show of the value: nothing for secrets, and URLs with any
 * `user:password@` part masked (REDIS_URL often carries the Redis password).
 */
function describeValue(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (name.endsWith('SECRET') || name.endsWith('AES_KEY') || name.endsWith('TOKEN') || name.endsWith('TOKENS')) return '';
  // Everything up to the last '@' after the scheme is user info: `redis://:pw@host` → `redis://***@host`.
  const masked = value.replace(/^([^/@]*\/\/)?.*@/s, (_match, scheme?: string) => `${scheme ?? ''}***@`);
  return ` (got "${masked}")`;
}
