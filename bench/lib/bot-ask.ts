import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { BenchFenji } from './welcome-fenji.ts';

/** One command's timings on the bench clock (ms after the member's message was posted). */
export interface Asked {
  /** The first part of the reply recorded by the sandbox's message/send. */
  first: number;
  /** The last part: the whole reply sent. */
  last: number;
  parts: number;
  text: string;
}

export interface Spread { n: number; p50: number; p99: number; max: number; mean: number }

/** Nearest-rank percentiles of a sample. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length) };
}

/**
 * Members type `texts` at once (one each, distinct members), each a real member-message
 * callback posted by the sandbox to Fenji over HTTP; resolves when the bot queue is idle
 * again, with each member's reply as the sandbox recorded its message/send calls. Times
 * are on the one clock both read. Fails after `timeoutMs` without an answer.
 */
export async function askAll({ sandbox, container }: BenchFenji, asks: readonly { userid: string; text: string }[], timeoutMs = 30_000): Promise<Asked[]> {
  const members = new Set(asks.map((a) => a.userid));
  if (members.size !== asks.length) throw new Error('askAll: one command per member at a time');
  const messages = sandbox.state.appMessages;
  const from = messages.length;
  const started = asks.map(() => 0);
  await Promise.all(asks.map(async (a, i) => {
    started[i] = container.clock.now();
    const sent = await sandbox.simulate.memberMessage(a);
    if (!sent.delivery?.ok) throw new Error(`member message from ${a.userid} was not delivered`);
  }));
  const deadline = Date.now() + timeoutMs;
  const answered = () => {
    const got = new Set<string>();
    for (let i = from; i < messages.length; i++) for (const u of messages[i]!.touser) got.add(u);
    return [...members].every((m) => got.has(m));
  };
  while (!answered()) {
    if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms to ${JSON.stringify(asks.map((a) => a.text))}`);
    await sleep(2);
  }
  await queueIdle(container.queues.bot, deadline);
  return asks.map((a, i) => {
    const mine = messages.slice(from).filter((m) => m.touser.includes(a.userid));
    const body = (m: (typeof mine)[number]) => ((m.body[m.msgtype] as { content?: string } | undefined)?.content ?? '');
    return {
      first: mine[0]!.sent_at - started[i]!,
      last: Math.max(...mine.map((m) => m.sent_at)) - started[i]!,
      parts: mine.length,
      text: mine.map(body).join('\n'),
    };
  });
}

async function queueIdle(queue: BenchFenji['container']['queues']['bot'], deadline: number): Promise<void> {
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(c).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`bot queue not idle: ${JSON.stringify(c)}`);
    await sleep(5);
  }
}

/** Sequential round trips of one raw command on its own connection: the floor any Redis read pays. */
export async function redisRoundTrips(redis: Redis, n: number): Promise<{ ping: Spread; get: Spread }> {
  await redis.set('bench:rt', 'x'.repeat(200));
  const time = async (op: () => Promise<unknown>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await op();
      out.push(performance.now() - t);
    }
    return spread(out);
  };
  const ping = await time(() => redis.ping());
  const get = await time(() => redis.get('bench:rt'));
  await redis.del('bench:rt');
  return { ping, get };
}
