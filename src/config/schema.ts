import { z } from 'zod';
import { apiTokensSchema } from './api-tokens.ts';

/**
 * Every environment variable Fenji reads, with its rule and its default.
 * The README's configuration table and .env.example mirror this file.
 */
const intFromString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const urlWithProtocol = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

export const envSchema = z.object({
  WECOM_CORP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the CorpID from 我的企业 → 企业信息 (letters and digits)')
    .optional(),
  WECOM_AGENT_ID: z.string().regex(/^\d{1,10}$/, 'must be the numeric AgentId of the self-built app').optional(),
  WECOM_SECRET: z.string().min(1).max(128).optional(),
  WECOM_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1-32 letters or digits (the callback Token)')
    .optional(),
  WECOM_ENCODING_AES_KEY: z
    .string()
    .superRefine((v, ctx) => {
      if (v.length !== 43) ctx.addIssue({ code: 'custom', message: `must be 43 characters, got ${v.length}` });
      if (!/^[A-Za-z0-9]*$/.test(v)) ctx.addIssue({ code: 'custom', message: 'must contain only letters and digits' });
    })
    .optional(),
  /** The 智能机器人's callback Token (API模式, URL callback); with WECOM_AIBOT_ENCODING_AES_KEY turns /wecom/aibot on. */
  WECOM_AIBOT_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}$/, 'must be 1-32 letters or digits (the 智能机器人\'s Token)')
    .optional(),
  /** The 智能机器人's EncodingAESKey: 43 letters and digits, as the app's. */
  WECOM_AIBOT_ENCODING_AES_KEY: z
    .string()
    .superRefine((v, ctx) => {
      if (v.length !== 43) ctx.addIssue({ code: 'custom', message: `must be 43 characters, got ${v.length}` });
      if (!/^[A-Za-z0-9]*$/.test(v)) ctx.addIssue({ code: 'custom', message: 'must contain only letters and digits' });
    })
    .optional(),
  WECOM_API_BASE: urlWithProtocol(['http:', 'https:']).optional(),
  WECOM_CALLBACK_MAX_AGE_S: intFromString(0, 86_400).default(300),
  WECOM_CALLBACK_MAX_BODY_BYTES: intFromString(1024, 10_485_760).default(65_536),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, "_", "." or "-"')
    .default('fenji'),
  REDIS_AUTOSTART: z.enum(['auto', 'never']).default('auto'),
  PORT: intFromString(0, 65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  FENJI_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  /** The commented tier rules (config/tiers.jsonc); read and checked at start-up. */
  FENJI_TIERS_FILE: z.string().min(1).default('config/tiers.jsonc'),
  /** The commented occasions (greeting texts and hours); unset = occasions.jsonc beside the tier rules. */
  FENJI_OCCASIONS_FILE: z.string().min(1).optional(),
  /** The corp's 企业群发 receive rule (群发助手 → 设置群发规则), mirrored so Fenji never plans what WeCom would refuse. */
  FENJI_GROUPMSG_RULE: z.enum(['month', 'week', 'day'], { error: 'must be month (WeCom\'s default: days-in-month a month), week (7 a week) or day (1 a day)' }).default('month'),
  /** add_msg_template calls a minute the corp may make (WeCom: 10,000 per API path); sends are paced under it. */
  FENJI_GROUPMSG_PER_MINUTE: intFromString(30, 10_000).default(10_000),
  /** 1: every planner and guard runs, sends are recorded instead of made (a ledger of their own). */
  FENJI_DRY_RUN: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0'),
  /**
   * Test only, sandbox mode only: Fenji's clock runs this many ms ahead of (or behind) the
   * wall clock, so several processes share one shifted day (a festival) in an e2e test.
   */
  FENJI_CLOCK_OFFSET_MS: z.string().regex(/^-?\d{1,15}$/, 'must be a whole number of milliseconds').transform(Number).default(0),
  SANDBOX_PORT: intFromString(0, 65_535).default(4100),
  /**
   * A sandbox run as its own service (`npm run sandbox -- serve`, compose's `sandbox`), for
   * roles in separate processes or containers. Used in sandbox mode only: unlike
   * WECOM_API_BASE it can stay set when real credentials are added.
   */
  SANDBOX_URL: urlWithProtocol(['http:', 'https:']).optional(),
  /** Clients of the HTTP API (/api/*) as `name:token,…`; absent = the API is off. */
  FENJI_API_TOKENS: apiTokensSchema.optional(),
  /** Members who may ask the bot about every customer: WeCom userids, comma-separated. */
  FENJI_MANAGERS: z
    .string()
    .transform((v) => v.split(/[,，]/).map((u) => u.trim()).filter((u) => u !== ''))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'each must be a WeCom userid (letters, digits, _ . @ -)')))
    .optional(),
  /** Commands one member may send the bot a minute; the next gets a polite "slow down", the rest no answer. */
  FENJI_BOT_COMMANDS_PER_MINUTE: intFromString(1, 30).default(10),
  /** 1: reps may 调级 (a manual tier) their own customers through the bot; managers always may. */
  FENJI_BOT_REPS_MAY_SET: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0'),
  WORKER_CONCURRENCY: intFromString(1, 256).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
});

export type EnvInput = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;

/** Variables that may instead be given as NAME_FILE (Docker/K8s secrets). */
export const FILE_VARIABLES = ['WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY', 'WECOM_AIBOT_TOKEN', 'WECOM_AIBOT_ENCODING_AES_KEY', 'FENJI_API_TOKENS'] as const;

/** The four credentials that, when all absent, put Fenji in sandbox mode. */
export const CREDENTIAL_VARIABLES = [
  'WECOM_CORP_ID',
  'WECOM_AGENT_ID',
  'WECOM_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
] as const;
