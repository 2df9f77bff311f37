import os from 'node:os';
import path from 'node:path';
import { RedisCustomerFinder } from '../src/adapters/redis/customer-finder.ts';
import { RedisKeys } from '../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../src/adapters/redis/redis-contact-store.ts';
import { loadPolicies } from '../src/config/load-tier-policy.ts';
import { TEXTS } from '../src/domain/bot/texts.ts';
import type { OptionSpec } from './lib/args.ts';
import { askAll, redisRoundTrips, spread, type Asked, type Spread } from './lib/bot-ask.ts';
import { botRep, seedBotBatch, type RepCustomers } from './lib/bot-seed.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { detectPinning, pinPid, runScenario } from './lib/procs.ts';
import { startBenchFenji, type BenchFenji } from './lib/welcome-fenji.ts';

/**
 * Command → reply-sent of the bot over a big archive (issue 9): `contacts` tiered contacts
 * with names across `reps` reps, seeded as the store's commits write them, the name index
 * by its backfill; then a whole Fenji (web + worker roles, as `npm start`) on a sandbox.
 * Each command is a real member-message callback posted by the sandbox over HTTP; its
 * time runs until the sandbox records the reply's last message/send, both on one clock.
 * 帮助 reads nothing: it is the pipeline's own floor (callback → two queue hops → send).
 */
export const BOT_OPTIONS = [
  { name: 'contacts', default: 100_000, help: 'tiered contacts to seed', min: 1000 },
  { name: 'reps', default: 1000, help: 'sales reps the contacts are spread over', min: 10 },
  { name: 'managers', default: 20, help: 'managers asking (each once per fake minute: the bot allows 10)', min: 1 },
  { name: 'n', default: 100, help: 'sequential commands per kind and role', min: 5 },
  { name: 'bursts', default: 20, help: 'bursts of concurrent commands (distinct members, mixed kinds)', min: 0 },
  { name: 'burst', default: 8, help: 'commands per burst', min: 2 },
  { name: 'apiLatencyMs', default: 30, help: 'sandbox latency on every WeCom call', min: 0 },
  { name: 'seedBatch', default: 2000, help: 'contacts per seeding pipeline', min: 1 },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof BOT_OPTIONS)[number]['name'], number>;

export function bot(argv: string[]): Promise<number> {
  return runScenario(BOT_OPTIONS, argv, run);
}

const KINDS = ['帮助', '分级', '名单', '客户', '报表'] as const;
type Kind = (typeof KINDS)[number];
type Role = 'manager' | 'rep';
/** What each kind's answer must hold, so a refusal or "not found" is never timed as an answer. */
const EXPECT: Record<Kind, RegExp> = { 帮助: /分级/, 分级: /客户分级（共 \d+ 位）/, 名单: /类客户/, 客户: /^【[^】]*】|请回复序号/, 报表: /报表/ };
const TIERS = ['A', 'B', 'C', 'D'] as const;
const MINUTE_MS = 60_000;

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji bot bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? '  pinned: redis-server on CPU 1, this process (Fenji, sandbox, seeding) on CPU 0' : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);
  const { server, redis } = await startBenchRedis('bot', { pinned: pin.enabled, aof: false });
  const policies = loadPolicies(path.resolve(import.meta.dirname, '../config/tiers.jsonc'));
  const keys = new RedisKeys('fenji');
  const now = Date.now();

  // 1. The archive, then the name index the way an upgrade builds it.
  let t = performance.now();
  const names: RepCustomers = new Map();
  const shape = { avatars: true, seedAt: now - 3_600_000, reps: o.reps, now };
  let inFlight: Promise<void> | null = null;
  for (let from = 0; from < o.contacts; from += o.seedBatch) {
    const batch = seedBotBatch(redis, keys, { policy: policies.tiers, timeZone: 'Asia/Shanghai' }, shape, from, Math.min(o.contacts, from + o.seedBatch), names);
    if (inFlight) await inFlight;
    inFlight = batch;
  }
  await inFlight;
  const seedS = (performance.now() - t) / 1000;
  t = performance.now();
  const store = new RedisContactStore({ redis, keys });
  const filed = await new RedisCustomerFinder({ redis, keys, store }).backfillOnce();
  const backfillS = (performance.now() - t) / 1000;
  const tiers = await store.tierCounts();
  console.log(`  seeded ${o.contacts.toLocaleString('en')} contacts over ${o.reps} reps in ${seedS.toFixed(1)} s (tiers ${JSON.stringify(tiers)}); name index backfilled for ${filed.toLocaleString('en')} in ${backfillS.toFixed(1)} s`);

  // 2. Fenji on a clock both it and the sandbox read; moved a minute on after each round
  // of managers, so no member ever meets the bot's 10 commands or WeCom's 30 messages a minute.
  let offset = 0;
  const managers = Array.from({ length: o.managers }, (_, k) => `boss${String(k).padStart(2, '0')}`);
  const fenji = await startBenchFenji({
    redisUrl: server.url, clock: { now: () => Date.now() + offset }, apiLatencyMs: o.apiLatencyMs, env: { FENJI_MANAGERS: managers.join(',') },
  });
  const reps = Array.from({ length: o.reps }, (_, k) => botRep(k));
  fenji.sandbox.state.seed({ reps: [...reps.map((userid) => ({ userid, name: userid })), ...managers.map((userid) => ({ userid, name: userid }))] });
  const everyName = [...names.values()];
  let nextManager = 0;
  let nextRep = 0;
  let counter = 0;
  const member = (role: Role): string => {
    if (role === 'rep') return reps[nextRep++ % reps.length]!;
    if (nextManager > 0 && nextManager % managers.length === 0) offset += MINUTE_MS + 1000;
    return managers[nextManager++ % managers.length]!;
  };
  const command = (kind: Kind, userid: string, role: Role): string => {
    const i = counter++;
    if (kind === '名单') return `名单 ${TIERS[i % TIERS.length]}`;
    if (kind === '客户') return `客户 ${role === 'rep' ? names.get(userid) ?? everyName[0] : everyName[(i * 7919) % everyName.length]}`;
    return kind;
  };

  // 3. The floor: raw Redis round trips, same server, same run.
  const baseline = await redisRoundTrips(redis, 2000);
  console.log(`  raw Redis round trip: PING p50 ${ms(baseline.ping.p50)} p99 ${ms(baseline.ping.p99)}; GET p50 ${ms(baseline.get.p50)} p99 ${ms(baseline.get.p99)}`);

  // 4. Warm-up (token, JIT), then sequential and concurrent commands.
  for (const kind of KINDS) for (const role of ['manager', 'rep'] as const) await askAll(fenji, [ask(kind, role)]);
  const seq = new Map<string, Asked[]>();
  const wrong: string[] = [];
  t = performance.now();
  for (let i = 0; i < o.n; i++) {
    for (const kind of KINDS) {
      for (const role of ['manager', 'rep'] as const) {
        const [a] = await askAll(fenji, [ask(kind, role)]);
        record(seq, `${kind}|${role}`, kind, a!);
      }
    }
    if (i % 10 === 9) process.stdout.write(`\r  sequential ${i + 1} / ${o.n}`);
  }
  const seqS = (performance.now() - t) / 1000;
  process.stdout.write('\r');
  const conc = new Map<string, Asked[]>();
  for (let b = 0; b < o.bursts; b++) {
    offset += MINUTE_MS + 1000;
    const burst = Array.from({ length: o.burst }, (_, k) => ({ kind: KINDS[(b + k) % KINDS.length]!, role: (k % 2 ? 'rep' : 'manager') as Role }));
    const asked = await askAll(fenji, burst.map(({ kind, role }) => ask(kind, role)));
    burst.forEach(({ kind, role }, k) => record(conc, `${kind}|${role}`, kind, asked[k]!));
  }

  const table = (results: Map<string, Asked[]>) => Object.fromEntries([...results].map(([key, list]) => [key, {
    first: spread(list.map((a) => a.first)), last: spread(list.map((a) => a.last)), parts: Math.max(...list.map((a) => a.parts)),
  }]));
  const sequential = table(seq);
  const concurrent = table(conc);
  console.log(`  command → reply sent (last part), ms; sequential (${o.n} per row, ${seqS.toFixed(0)} s), then ${o.bursts} bursts of ${o.burst} at once:`);
  console.log(`  ${'command'.padEnd(16)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'max'.padStart(6)} ${'parts'.padStart(5)}  ${'× GET p50'.padStart(9)}   | concurrent: n  p50    p99    max`);
  const getP50 = baseline.get.p50;
  for (const key of seq.keys()) {
    const s = sequential[key]!;
    const c = concurrent[key];
    console.log(`  ${key.replace('|', ' ').padEnd(16)} ${ms(s.last.p50)} ${ms(s.last.p99)} ${ms(s.last.max)} ${String(s.parts).padStart(5)}  ${(s.last.p50 / getP50).toFixed(0).padStart(8)}x   | ${c ? `${String(c.last.n).padStart(3)} ${ms(c.last.p50)} ${ms(c.last.p99)} ${ms(c.last.max)}` : '—'}`);
  }
  const floor = sequential['帮助|rep']!.last.p50;
  const misses = Object.entries({ ...prefix(sequential, 'seq'), ...prefix(concurrent, 'conc') }).filter(([k, v]) => !k.includes('帮助') && v.last.p99 > 1000).map(([k]) => k);
  console.log(`  ratio to the pipeline's floor (帮助, rep, p50 ${ms(floor)}): ${[...seq.keys()].filter((k) => !k.startsWith('帮助')).map((k) => `${k.replace('|', ' ')} ${(sequential[k]!.last.p50 / floor).toFixed(2)}x`).join(', ')}`);
  console.log(`  target p99 ≤ 1000 ms: ${misses.length === 0 ? 'met by every command' : `MISSED by ${misses.join(', ')}`}${wrong.length ? `; ${wrong.length} unexpected answers, e.g. ${wrong[0]}` : ''}`);
  console.log(JSON.stringify({ scenario: 'bot', options: o, seed: { seconds: seedS, backfillSeconds: backfillS, filed, tiers }, redis: baseline, sequential, concurrent, misses, wrong: wrong.length }));
  return misses.length === 0 && wrong.length === 0 ? 0 : 1;

  function ask(kind: Kind, role: Role): { userid: string; text: string; kind: Kind } {
    const userid = member(role);
    return { userid, text: command(kind, userid, role), kind };
  }
  function record(into: Map<string, Asked[]>, key: string, kind: Kind, a: Asked): void {
    if (!EXPECT[kind].test(a.text) || a.text.startsWith(TEXTS.flood) || a.text.startsWith(TEXTS.refusal)) wrong.push(`${key}: ${a.text.slice(0, 80)}`);
    into.set(key, [...(into.get(key) ?? []), a]);
  }
}

const ms = (v: number): string => v.toFixed(v < 10 ? 2 : 0).padStart(6);
const prefix = <T>(o: Record<string, T>, p: string): Record<string, T> => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${p} ${k}`, v]));

export type { BenchFenji, Spread };
