import type { Clock } from '../../shared/clock.ts';
import { randomToken } from '../ids.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

/** Expired tokens are remembered this long so they answer 42001 rather than 40014. */
const REMEMBER_EXPIRED_MS = 24 * 3600_000;

/**
 * access_tokens issued by gettoken. Every gettoken call mints a new token and older ones
 * stay valid until they expire: WeCom's current docs no longer promise the same token
 * within its validity (docs/wecom/api.md, 'Access token'), so clients must not rely on either behaviour.
 */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  /** Mints a token valid for the configured TTL. */
  issue(): { token: string; expiresIn: number } {
    this.prune();
    // WeCom tokens are long opaque strings; "reserve ≥512 bytes" is about the client side.
    const token = randomToken(64);
    this.tokens.set(token, { expiresAt: this.clock.now() + this.ttlSeconds * 1000, revoked: false });
    return { token, expiresIn: this.ttlSeconds };
  }

  /** Checks a query's access_token: undefined when valid, else the WeCom error answer. */
  check(accessToken: string | null): ApiResult | undefined {
    if (!accessToken) {
      return fail(ERR.missingToken, 'access_token missing');
    }
    const issued = this.tokens.get(accessToken);
    if (!issued || issued.revoked) {
      return fail(ERR.invalidToken, `invalid access_token, hint: [sandbox] token not issued by this sandbox or revoked`);
    }
    if (this.clock.now() >= issued.expiresAt) {
      return fail(ERR.tokenExpired, 'access_token expired');
    }
    return undefined;
  }

  /** Invalidates every issued token early (WeCom may do so "for operational reasons"). */
  revokeAll(): number {
    let n = 0;
    for (const issued of this.tokens.values()) {
      if (!issued.revoked) {
        issued.revoked = true;
        n += 1;
      }
    }
    return n;
  }

  /** The tokens still remembered, to keep across a restart (WeCom does not forget them). */
  export(): Array<{ token: string; expiresAt: number; revoked: boolean }> {
    this.prune();
    return [...this.tokens].map(([token, issued]) => ({ token, ...issued }));
  }

  /** Takes back tokens saved by export(). */
  restore(saved: ReadonlyArray<{ token: string; expiresAt: number; revoked: boolean }>): void {
    for (const { token, expiresAt, revoked } of saved) this.tokens.set(token, { expiresAt, revoked });
    this.prune();
  }

  private prune(): void {
    const cutoff = this.clock.now() - REMEMBER_EXPIRED_MS;
    for (const [token, issued] of this.tokens) {
      if (issued.expiresAt < cutoff) {
        this.tokens.delete(token);
      }
    }
  }
}

/** GET /cgi-bin/gettoken?corpid=&corpsecret= (docs/wecom/api.md, 'Access token'). */
function getToken(ctx: ApiContext): ApiResult {
  const corpId = ctx.query.get('corpid');
  const secret = ctx.query.get('corpsecret');
  if (!corpId) {
    return fail(ERR.missingCorpId, 'corpid missing');
  }
  if (!secret) {
    return fail(ERR.missingSecret, 'corpsecret missing');
  }
  if (corpId !== ctx.credentials.corpId) {
    return fail(ERR.invalidCorpId, 'invalid corpid');
  }
  if (secret !== ctx.credentials.secret) {
    return fail(ERR.invalidSecret, 'invalid credential, hint: [sandbox] corpsecret does not match');
  }
  const { token, expiresIn } = ctx.tokens.issue();
  return ok({ access_token: token, expires_in: expiresIn });
}

/** getcallbackip: where callbacks come from, for allowlists (docs/wecom/api.md, 'Callback IPs'). */
function getCallbackIp(): ApiResult {
  return ok({ ip_list: ['127.0.0.1'] });
}

export const tokenRoutes: ApiRoute[] = [
  { path: '/cgi-bin/gettoken', auth: false, handler: getToken },
  { path: '/cgi-bin/getcallbackip', auth: true, handler: getCallbackIp },
];
