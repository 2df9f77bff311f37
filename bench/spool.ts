import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { createRedis } from '../src/adapters/redis/connections.ts';
import { RedisKeys } from '../src/adapters/redis/keys.ts';
import { CallbackIntake } from '../src/ingress/callback-intake.ts';
import { Spool } from '../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../src/jobs/queues.ts';
import { type CallbackJobData } from '../src/jobs/callbacks/job.ts';
import type { OptionSpec } from './lib/args.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { startCpuMeter, type CpuShare } from './lib/cpu.ts';
import { detectPinning, onCleanup, pinPid, runScenario } from './lib/procs.ts';
import { targetLine } from './lib/report.ts';
import { oneByOneReplay } from './lib/spool-old-replay.ts';

/**
 * Spool recovery after an outage: N callbacks written to the spool, then replayed into a
 * private Redis by CallbackIntake.replaySpool (pipelined batches), against two baselines
 * measured in the same run: the old one-event-at-a-time replay (on the first `oldCount`
 * events: it is slow) and raw pipelined SETs of the same payloads (the floor). A second
 * replay of the same file (a crash before truncation) measures the dedupe path.
 * AOF is on by default (`--aof=0` turns it off): Fenji's own Redis runs with it.
 */
export const SPOOL_OPTIONS = [
  { name: 'count', default: 50_000, help: 'spooled callbacks to replay', min: 1000 },
  { name: 'oldCount', default: 5000, help: 'callbacks replayed one by one for the old baseline', min: 100 },
  { name: 'rounds', default: 5, help: 'alternating old/new rounds the events are split into', min: 1 },
  { name: 'batch', default: 1000, help: 'events per pipeline in the raw SET baseline', min: 1 },
  { name: 'aof', default: 1, help: 'appendonly everysec on (1) or off (0)' },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof SPOOL_OPTIONS)[number]['name'], number>;

export function spool(argv: string[]): Promise<number> {
  return runScenario(SPOOL_OPTIONS, argv, run);
}

interface Phase {
  events: number;
  seconds: number;
  perS: number;
  cpu: CpuShare;
}

const log = pino({ level: 'silent' });
const TEXT = '您好，我想咨询一下贵公司的企业版套餐价格，另外请问是否支持按年付费以及开具增值税专用发票？我们团队大约有五十人。';

/** Callbacks shaped like real traffic: 3 of 4 member text messages, 1 of 4 add_external_contact. */
function callback(run: string, n: number): CallbackJobData {
  const base = { toUserName: 'wwbenchcorp', createTime: 1_765_000_000 + n };
  const event: CallbackJobData['event'] = n % 4 === 3
    ? { ...base, kind: 'external_contact', changeType: 'add_external_contact', fromUserName: 'sys', userId: `member${n % 200}`, externalUserId: `wmBench${run}${n}` }
    : { ...base, kind: 'app_message', fromUserName: `member${n % 200}`, msgType: 'text', msgId: `${7_400_000_000_000_000 + n}`, content: TEXT, agentId: '1000002' };
  return { dedupeKey: `evt-bench${run}${n}`, receivedAt: Date.now(), event };
}

async function writeSpool(dir: string, events: CallbackJobData[]): Promise<Spool<CallbackJobData>> {
  const spool = new Spool<CallbackJobData>(dir);
  // As during an outage: many callbacks in flight, group-committed.
  for (let from = 0; from < events.length; from += 500) await Promise.all(events.slice(from, from + 500).map((e) => spool.append(e)));
  return spool;
}

async function timed(events: number, cpu: () => () => CpuShare, fn: () => Promise<unknown>): Promise<Phase> {
  const meter = cpu();
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, perS: events / seconds, cpu: meter() };
}

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji spool bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? '  pinned: redis-server on CPU 1, this process on CPU 0' : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);

  const { server, redis: admin } = await startBenchRedis('spool', { pinned: pin.enabled, aof: Boolean(o.aof) });
  const cpu = () => startCpuMeter({ redis: server.process.pid });
  const producer = createRedis(server.url, 'producer', log);
  onCleanup('producer', () => producer.disconnect());
  await new Promise((r) => producer.once('ready', r));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fenji-bench-spool-'));
  onCleanup('spool dir', () => rmSync(tmp, { recursive: true, force: true }));

  /** A queue, keys and spool of their own per phase, so no phase dedupes against another. */
  const setup = (name: string) => {
    const prefix = `bench-${name}`;
    const queue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: producer, prefix });
    onCleanup(`queue ${name}`, () => queue.close());
    return { queue, keys: new RedisKeys(prefix), dir: path.join(tmp, name) };
  };

  // 1-2. Old and new in alternating rounds, so both see the same share of whatever else
  // runs on the machine: the old replay one by one on oldCount/rounds events, then
  // CallbackIntake.replaySpool on count/rounds events, each on a spool of its own.
  const old = setup('old');
  const now = setup('now');
  const events = Array.from({ length: o.count }, (_, n) => callback('now', n));
  const intake = new CallbackIntake({ queue: now.queue, redis: producer, keys: now.keys, spool: new Spool<CallbackJobData>(now.dir), log });
  const oldRounds: Phase[] = [];
  const newRounds: Phase[] = [];
  let bytes = 0;
  let writeS = 0;
  for (let r = 0; r < o.rounds; r++) {
    const slice = <T>(all: T[]) => all.slice(Math.floor((r * all.length) / o.rounds), Math.floor(((r + 1) * all.length) / o.rounds));
    const oldEvents = slice(Array.from({ length: o.oldCount }, (_, n) => callback('old', n)));
    const oldSpool = await writeSpool(old.dir, oldEvents);
    oldRounds.push(await timed(oldEvents.length, cpu, () => oneByOneReplay({ spool: oldSpool, queue: old.queue, redis: producer, keys: old.keys })));
    const newEvents = slice(events);
    const writeStarted = performance.now();
    const nowSpool = await writeSpool(now.dir, newEvents);
    writeS += (performance.now() - writeStarted) / 1000;
    bytes += await nowSpool.size();
    newRounds.push(await timed(newEvents.length, cpu, () => intake.replaySpool()));
    if ((await nowSpool.size()) !== 0) throw new Error('the replay left the spool non-empty');
    console.log(`  round ${r + 1}: old ${Math.round(oldRounds[r]!.perS).toLocaleString('en')}/s, batched ${Math.round(newRounds[r]!.perS).toLocaleString('en')}/s`);
  }
  const queued = (await now.queue.getJobCounts('wait')).wait ?? 0;
  if (queued !== o.count) throw new Error(`expected ${o.count} jobs after the replay, found ${queued}`);
  const oldPhase = total(oldRounds);
  const newPhase = total(newRounds);
  console.log(`  spool written: ${o.count.toLocaleString('en')} events, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${writeS.toFixed(1)} s`);
  console.log(`  old replay, one by one:        ${line(oldPhase)}`);
  console.log(`  replaySpool, batched:          ${line(newPhase)}`);

  // 3. The same file again (a crash before truncation): every event is a duplicate.
  await writeSpool(now.dir, events);
  const againPhase = await timed(o.count, cpu, () => intake.replaySpool());
  const after = (await now.queue.getJobCounts('wait')).wait ?? 0;
  if (after !== o.count) throw new Error(`the second replay added ${after - o.count} jobs`);
  console.log(`  replaySpool again (all dupes): ${line(againPhase)}`);

  // 4. Floor: raw pipelined SETs of the same payloads.
  const rawPhase = await timed(o.count, cpu, () => rawPipelinedSets(admin, events, o.batch));
  console.log(`  raw pipelined SET (floor):     ${line(rawPhase)}`);

  const vsOld = newPhase.perS / oldPhase.perS;
  const vsRaw = newPhase.perS / rawPhase.perS;
  console.log('');
  console.log(targetLine('replay rate, batched / one by one (same run)', `${vsOld.toFixed(1)}×`, '≥ 10×', vsOld >= 10));
  console.log(`  replay rate, batched / raw pipelined SET: ${vsRaw.toFixed(2)}; CPU per event, one by one / batched: ${(cpuPerEvent(oldPhase) / cpuPerEvent(newPhase)).toFixed(1)}`);
  console.log('  cores: loadgen = this process (replay and spool), redis = redis-server, other = the rest of the machine');
  console.log(JSON.stringify({ scenario: 'spool', options: o, spoolBytes: bytes, writeS, old: oldPhase, replay: newPhase, replayAgain: againPhase, raw: rawPhase, ratioVsOld: vsOld, ratioVsRaw: vsRaw }));
  return vsOld >= 10 ? 0 : 1;
}

/** Rounds summed: events over seconds; CPU weighted by each round's seconds. */
function total(rounds: Phase[]): Phase {
  const events = rounds.reduce((n, r) => n + r.events, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const cpu: CpuShare = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.cpu)) cpu[k] = (cpu[k] ?? 0) + (v * r.seconds) / seconds;
  for (const k of Object.keys(cpu)) cpu[k] = Math.round(cpu[k]! * 100) / 100;
  return { events, seconds, perS: events / seconds, cpu };
}

/** CPU µs per event, this process plus redis-server: less sensitive to a busy machine than the rate. */
function cpuPerEvent(p: Phase): number {
  return (((p.cpu['loadgen'] ?? 0) + (p.cpu['redis'] ?? 0)) * p.seconds * 1e6) / p.events;
}

function line(p: Phase): string {
  return `${p.events.toLocaleString('en').padStart(7)} events ${p.seconds.toFixed(2).padStart(6)} s ${Math.round(p.perS).toLocaleString('en').padStart(8)}/s  ${cpuPerEvent(p).toFixed(0).padStart(5)} µs CPU/event  cores ${JSON.stringify(p.cpu)}`;
}

async function rawPipelinedSets(redis: Redis, events: CallbackJobData[], batch: number): Promise<void> {
  for (let from = 0; from < events.length; from += batch) {
    const pipeline = redis.pipeline();
    for (const e of events.slice(from, from + batch)) pipeline.set(`bench-raw:${e.dedupeKey}`, JSON.stringify(e));
    await pipeline.exec();
  }
}
