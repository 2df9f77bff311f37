/**
 * Errors with stable codes. `code` is what logs, metrics and API clients key on;
 * the message is for people and may change.
 */
export interface AppErrorOptions {
  status?: number;
  expose?: boolean;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Safe to show the HTTP client. */
  readonly expose: boolean;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
  }
}

/** Bad configuration: lists every problem found, by variable name. */
export class ConfigError extends AppError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      'config_invalid',
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** A callback that fails verification (signature, receive id, timestamp, XML, size). */
export class CallbackRejectedError extends AppError {
  constructor(code: string, message: string, status = 400, cause?: unknown) {
    super(code, message, { status, expose: true, cause });
  }
}

/**
 * A callback that passed every check (signed, fresh, ours, well-formed XML) but carries an
 * event Fenji cannot use, e.g. an id far longer than WeCom ever makes. Retrying cannot
 * mend it: answer 200 so WeCom stops resending, drop it once, log why (never the payload).
 */
export class CallbackUnusableError extends AppError {
  /** The XML field at fault. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('event_unusable', message, { status: 200, expose: false });
    this.field = field;
  }
}

/**
 * The client closed the connection before its request body was complete. Nobody is left
 * to answer, and it is the client's doing, not ours: counted apart, logged at debug, so
 * that nobody can page the operator by hanging up. 499 is nginx's "client closed request".
 */
export class ClientAbortedError extends AppError {
  constructor(cause?: unknown) {
    super('client_aborted', 'the client closed the connection before the request body was complete', { status: 499, expose: false, cause });
  }
}
