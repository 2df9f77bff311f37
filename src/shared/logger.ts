import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  role?: string;
}

/**
 * The one pino root logger. Secrets and message bodies are redacted wherever they
 * appear in a logged object, so a careless `log.info({ event })` cannot leak them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
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
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
  });
}
