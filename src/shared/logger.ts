import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  role?: string;
}

/** Resolved from this file, as pino resolves a transport target from its caller. */
const PRETTY_TARGET = 'pino-pretty';

function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(PRETTY_TARGET);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one pino root logger. LOG_FORMAT=pretty needs pino-pretty, a devDependency that a
 * production install (npm ci --omit=dev, the Docker image) leaves out: then it logs JSON
 * and warns once, rather than refusing to start over how logs look. Secrets and message bodies are redacted wherever they
 * appear in a logged object, so a careless `log.info({ event })` cannot leak them.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty && prettyInstalled();
  const log = pino({
    level: options.level,
    base: { service: 'fenji', ...(options.role ? { role: options.role } : {}) },
    redact: {
      paths: [
        'access_token',
        'corpsecret',
        '*.access_token',
        '*.secret',
        '*.token',
        '*.encodingAESKey',
        '*.Content',
        '*.content',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: PRETTY_TARGET, options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
  if (options.pretty && !pretty) {
    log.warn('LOG_FORMAT=pretty needs pino-pretty, which this install lacks (a dev dependency): logging JSON instead. npm install pino-pretty, or pipe the output through npx pino-pretty');
  }
  return log;
}
