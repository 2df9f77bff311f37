import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { WeComClient, type WeComClientOptions } from '../../src/adapters/wecom-api/client.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

/**
 * A tiny scriptable WeCom for the client's integration tests: a real HTTP server on a
 * free port that issues tokens, rejects unknown tokens with 40014, records every call and
 * answers what the test queued. (The full sandbox lives in src/sandbox/; these tests need
 * fault injection, not fidelity.)
 */
export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  contentType: string | undefined;
}

export interface Reply {
  json?: Record<string, unknown>;
  raw?: string;
  status?: number;
  delayMs?: number;
}

export const GETTOKEN = '/cgi-bin/gettoken';

export class FakeWeCom {
  readonly calls: RecordedCall[] = [];
  /** expires_in of the tokens it issues. */
  expiresIn = 7200;
  /** Slows gettoken down so that concurrent callers really overlap. */
  tokenDelayMs = 0;
  private issued = 0;
  private readonly valid = new Set<string>();
  private readonly queued = new Map<string, Reply[]>();
  private readonly standing = new Map<string, Reply>();

  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<FakeWeCom> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeWeCom(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** The next calls to `path` get these replies, in order; then the default behaviour. */
  queue(path: string, ...replies: Reply[]): void {
    this.queued.set(path, [...(this.queued.get(path) ?? []), ...replies]);
  }

  /** Every call to `path` gets this reply. */
  always(path: string, reply: Reply): void {
    this.standing.set(path, reply);
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((call) => call.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? '/', this.url);
    const call: RecordedCall = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      body: Buffer.concat(chunks).toString('utf8'),
      contentType: req.headers['content-type'],
    };
    this.calls.push(call);
    const reply = this.queued.get(call.path)?.shift() ?? this.standing.get(call.path) ?? this.defaultReply(call);
    const delayMs = reply.delayMs ?? (call.path === GETTOKEN ? this.tokenDelayMs : 0);
    if (delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    if (res.destroyed) {
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(reply.raw ?? JSON.stringify(reply.json ?? {}));
  }

  private defaultReply(call: RecordedCall): Reply {
    if (call.path === GETTOKEN) {
      const token = `tok-${++this.issued}`;
      this.valid.add(token);
      return { json: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: this.expiresIn } };
    }
    if (!this.valid.has(call.query.get('access_token') ?? '')) {
      return { json: { errcode: 40014, errmsg: 'invalid access_token' } };
    }
    return { json: { errcode: 0, errmsg: 'ok', path: call.path } };
  }
}

/** A shared mutable clock, so tests can jump past a token's expiry. */
export function fakeClock(start = Date.UTC(2025, 0, 6, 9)): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Per test: a fake WeCom, a unique key prefix, clients each on their own Redis connection. */
export interface Harness {
  fake: FakeWeCom;
  keys: RedisKeys;
  log: Logger;
  /** Lines the clients logged (level debug), as JSON strings. */
  logLines: string[];
  /** A new client, as if in another process: its own Redis connection and provider. */
  client(overrides?: Partial<WeComClientOptions>): WeComClient;
  /** A raw Redis connection for assertions. */
  redis: Redis;
  cleanup(): Promise<void>;
}

export const CORP_ID = 'wwfake0001';
export const AGENT_ID = 1000002;
export const SECRET = 'fake-secret-do-not-log';

export async function startHarness(): Promise<Harness> {
  const fake = await FakeWeCom.start();
  const prefix = uniquePrefix('wecom');
  const keys = new RedisKeys(prefix);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const connections: Redis[] = [];
  const connect = (): Redis => {
    const redis = connectTestRedis();
    connections.push(redis);
    return redis;
  };
  const redis = connect();
  return {
    fake,
    keys,
    log,
    logLines,
    redis,
    client: (overrides = {}) =>
      new WeComClient({
        apiBase: fake.url,
        corpId: CORP_ID,
        agentId: AGENT_ID,
        secret: SECRET,
        redis: connect(),
        keys,
        log,
        sleep: async () => {},
        ...overrides,
      }),
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      await Promise.all(connections.map((c) => c.quit()));
      await fake.close();
    },
  };
}
