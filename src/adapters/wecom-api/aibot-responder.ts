import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';

/** The path of every response_url WeCom hands out (docs/wecom/aibot.md, 'Replying'). */
export const AIBOT_RESPONSE_PATH = '/cgi-bin/aibot/response';

/**
 * A response_url that is not WeCom's: refused before any request is made. The callback
 * carrying it was signed, but the URL is still data; Fenji only POSTs answers to WeCom's
 * own host (WECOM_API_BASE: qyapi.weixin.qq.com, or the sandbox).
 */
export class AibotResponseUrlError extends AppError {
  constructor(message: string) {
    super('aibot_response_url_invalid', message, { status: 400, expose: false });
  }
}

/** WeCom did not answer (network, timeout, HTTP error): worth a retry while the URL lives. */
export class AibotResponseTransportError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('aibot_response_transport', message, { status: 502, expose: false, cause });
  }
}

export interface AibotResponderOptions {
  /** WECOM_API_BASE: a response_url must be on this origin. */
  apiBase: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  log: Logger;
}

/**
 * Answers a 智能机器人 message on its response_url: one POST of a markdown body (docs/wecom/aibot.md,
 * 'Replying'). The endpoint takes no access_token; its response_code is the credential, so
 * the URL is never logged.
 */
export class AibotResponder {
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: AibotResponderOptions) {
    this.origin = new URL(options.apiBase).origin;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.doFetch = options.fetch ?? globalThis.fetch;
  }

  /** Throws AibotResponseUrlError unless the URL is WeCom's response endpoint on our API base. */
  check(responseUrl: string): URL {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      throw new AibotResponseUrlError('response_url is not a URL');
    }
    if (url.origin !== this.origin || url.pathname !== AIBOT_RESPONSE_PATH) {
      throw new AibotResponseUrlError(`response_url is not ${this.origin}${AIBOT_RESPONSE_PATH}`);
    }
    return url;
  }

  /**
   * POSTs `{msgtype: markdown, markdown: {content}}`.
   * @throws AibotResponseUrlError, AibotResponseTransportError (retry), WeComApiError (errcode ≠ 0: the URL is used or expired; no retry helps)
   */
  async replyMarkdown(responseUrl: string, content: string): Promise<void> {
    const url = this.check(responseUrl);
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new AibotResponseTransportError(`response_url did not answer: ${(err as Error).message}`, err);
    }
    if (!res.ok) throw new AibotResponseTransportError(`response_url answered HTTP ${res.status}`);
    // The endpoint's answer is not documented; WeCom's usual {errcode, errmsg} is assumed, and no body counts as success.
    let answer: { errcode?: unknown; errmsg?: unknown } = {};
    try {
      answer = text.trim() === '' ? {} : (JSON.parse(text) as typeof answer);
    } catch {
      this.options.log.warn({ status: res.status }, 'response_url answered something other than JSON; taken as delivered');
    }
    const errcode = typeof answer.errcode === 'number' ? answer.errcode : 0;
    if (errcode !== 0) {
      throw new WeComApiError({ errcode, errmsg: String(answer.errmsg ?? ''), path: AIBOT_RESPONSE_PATH });
    }
  }
}
