import os from 'node:os';
import type { Redis } from 'ioredis';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisCustomerFinder } from '../src/adapters/redis/customer-finder.ts';
import { RedisKeys } from '../src/adapters/redis/keys.ts';
import { loadPolicies } from '../src/config/load-tier-policy.ts';
import { isoDate, receivePeriod } from '../src/domain/outreach/receive-rule.ts';
import { planOutreach } from '../src/jobs/outreach/plan-outreach.ts';
import { planQueues } from '../src/jobs/outreach/worker.ts';
import { DAY_MS, type Tier } from '../src/domain/tiers/policy.ts';
import type { OptionSpec } from './lib/args.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { keyBytes, memorySampler, processCpuSeconds, rawPass, redisCommandUsec, redisCpuSeconds, timed, topCommands, type PhaseTimes } from './lib/campaign-measure.ts';
import { repId, seedCampaignBatch } from './lib/campaign-seed.ts';
import { detectPinning, pinPid, runScenario } from './lib/procs.ts';
import { usedMemory } from './lib/tiers-memory.ts';
import { startSandboxProcess, type SandboxProcess } from './lib/sandbox-process.ts';
import { startBenchContainer } from './lib/welcome-fenji.ts';
import type { Container } from '../src/container.ts';

/**
 * A holiday campaign at scale: N tiered contacts across R reps in a private Redis, the
 * clock at 国庆 2026-10-01 09:31 (Asia/Shanghai, past the greeting's 09:30), one real
 * planning run (planOutreach with every planner and the Redis ledger, as the container
 * builds them, queuing its sends and A lists) timed against a raw pass over the same
 * records; the Redis memory it adds; a second run a quarter-hour later (the scheduler's
 * next tick); then the send phase: the workers send every add_msg_template through the
 * sandbox under its per-minute quota, Fenji's FENJI_GROUPMSG_PER_MINUTE set to the same.
 */
export const CAMPAIGN_OPTIONS = [
  { name: 'count', default: 1_000_000, help: 'synthetic contacts to seed', min: 1000 },
  { name: 'reps', default: 1000, help: 'reps the contacts are spread over', min: 1 },
  { name: 'seedBatch', default: 2000, help: 'contacts per seeding pipeline', min: 1 },
  { name: 'quota', default: 3000, help: 'add_msg_template calls a minute (sandbox quota = FENJI_GROUPMSG_PER_MINUTE); ~ the sends, for a ~60 s phase', min: 30 },
  { name: 'apiLatencyMs', default: 20, help: 'sandbox latency on every WeCom call', min: 0 },
  { name: 'send', default: 1, help: '1: run the send phase, 0: plan only', min: 0 },
  { name: 'planRuns', default: 1, help: 'plan runs from a clean ledger (the first is reported; more show the spread)', min: 1 },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof CAMPAIGN_OPTIONS)[number]['name'], number>;

export function campaign(argv: string[]): Promise<number> {
  return runScenario(CAMPAIGN_OPTIONS, argv, run);
}

/** 2026-10-01 09:31 in Shanghai (UTC+8): 国庆, a minute past its greeting's hour. */
const CAMPAIGN_AT = Date.UTC(2026, 9, 1, 1, 31);
const TIME_ZONE = 'Asia/Shanghai';
/** The planner's page size (plan-outreach.ts PAGE) and the store's MGET size (MGET_CHUNK): the raw pass reads the same way. */
const PAGE = 2000;
const MGET_CHUNK = 500;
const ADD_MSG_TEMPLATE = 'externalcontact/add_msg_template';

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji campaign bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? '  pinned: redis-server on CPU 1, this process on CPU 0' : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);
  const { server, redis } = await startBenchRedis('campaign', { pinned: pin.enabled, aof: false });
  server.process.once('exit', (code, signal) => console.error(`  redis-server exited (${code ?? signal})`));

  // The clock: CAMPAIGN_AT when the first plan starts, then running with real time (BullMQ's delays and limiter are real).
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  // WeCom's side in a process of its own, on whichever CPU has room (not pinned: during the
  // sends Redis keeps its own CPU half busy), so this process measures Fenji alone.
  const sandbox = await startSandboxProcess({ latencyMs: o.apiLatencyMs });
  const { container } = await startBenchContainer({
    redisUrl: server.url, clock, apiBase: sandbox.url, workers: false,
    env: { FENJI_GROUPMSG_PER_MINUTE: String(o.quota), FENJI_TIMEZONE: TIME_ZONE },
  });
  const keys = new RedisKeys('fenji');
  const { tiers: policy } = loadPolicies(path.resolve(import.meta.dirname, '../config/tiers.jsonc'));
  await sandbox.seed({ reps: Array.from({ length: o.reps }, (_, k) => ({ userid: repId(k), name: `销售${k}` })) });

  const seedAt = CAMPAIGN_AT - DAY_MS / 2;
  const started = performance.now();
  const tiers: Partial<Record<Tier | 'none', number>> = {};
  for (let from = 0; from < o.count; from += o.seedBatch) {
    const got = await seedCampaignBatch(redis, keys, { policy, timeZone: TIME_ZONE }, { avatars: true, seedAt, reps: o.reps }, from, Math.min(o.count, from + o.seedBatch), sandbox);
    for (const [t, n] of Object.entries(got)) tiers[t as Tier] = (tiers[t as Tier] ?? 0) + n;
    if ((from / o.seedBatch) % 50 === 0) process.stdout.write(`\r  seeding ${from.toLocaleString('en')} / ${o.count.toLocaleString('en')}`);
  }
  process.stdout.write('\r');
  console.log(`  seeded ${o.count.toLocaleString('en')} contacts over ${o.reps} reps in ${((performance.now() - started) / 1000).toFixed(1)} s; tiers ${JSON.stringify(tiers)}`);

  const rawBefore = await rawPass(redis, keys, PAGE, MGET_CHUNK);
  const jobs = planQueues(container.queues.outreach, container.queues.outreachSends);
  const planOnce = async (label: string, runId: string) => {
    const times: PhaseTimes = {};
    const deps = timed({ ...container.outreach, jobs, quietHours: container.outreach.policy.quietHours }, times);
    const [redisCpu0, cpu0, elu0, t0] = [await redisCpuSeconds(redis), processCpuSeconds(), performance.eventLoopUtilization(), performance.now()];
    const stats = await planOutreach(deps, runId);
    const seconds = (performance.now() - t0) / 1000;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = { fenji: processCpuSeconds() - cpu0, redis: (await redisCpuSeconds(redis)) - redisCpu0, eventLoopIdle: elu.idle / 1000 };
    console.log(`  ${label.padEnd(34)} ${seconds.toFixed(1).padStart(6)} s  sends ${stats.sends} (${stats.recipients.toLocaleString('en')} recipients), A lists ${stats.lists} (${stats.listed.toLocaleString('en')})`);
    console.log(`    CPU: this process ${cpu.fenji.toFixed(1)} s (its event loop idle, waiting on Redis, ${cpu.eventLoopIdle.toFixed(1)} s), redis-server ${cpu.redis.toFixed(1)} s`);
    console.log(`    phases (ms): ${JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)])))}`);
    console.log(`    kinds: ${JSON.stringify(stats.kinds)}`);
    return { seconds, stats, times, cpu };
  };

  // The planners' indexes (follow-up due, birthdays, paid orders) are built once for an
  // archive stored before they existed, as the seeding here bypasses the store: a one-time
  // migration, timed on its own, not part of planning a campaign.
  const backfillStarted = performance.now();
  const backfilled = await container.outreach.prepare?.();
  const backfillS = (performance.now() - backfillStarted) / 1000;
  console.log(`  one-time index backfill (not a campaign cost) ${backfillS.toFixed(1)} s (${backfilled ?? 0} contacts indexed)`);
  // The bot's name index is backfilled when workers start; done here, it does not run during the send phase.
  const namesStarted = performance.now();
  const named = await new RedisCustomerFinder({ redis, keys, store: container.store }).backfillOnce();
  console.log(`  one-time name index backfill (the bot's; not a campaign cost) ${((performance.now() - namesStarted) / 1000).toFixed(1)} s (${named} contacts)`);

  offset = CAMPAIGN_AT - Date.now();
  const memoryBefore = await usedMemory(redis);
  const peak = memorySampler(redis);
  const first = await planOnce('plan run (国庆 09:31)', 'bench-plan-1').finally(() => peak());
  const memoryPeak = await peak();
  const memoryAfter = await usedMemory(redis);
  const rawAfter = await rawPass(redis, keys, PAGE, MGET_CHUNK);
  const raw = Math.min(rawBefore.seconds, rawAfter.seconds);
  const day = isoDate({ year: 2026, month: 10, day: 1 });
  const period = receivePeriod(container.config.outreach.groupMsgRule, CAMPAIGN_AT).id;
  const ledger = {
    occasion: await keyBytes(redis, keys.outreachOccasion('holiday:nationalDay:2026')),
    day: await keyBytes(redis, keys.outreachDay(day)),
    cap: await keyBytes(redis, keys.outreachCap(period)),
  };
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`  raw pass over the same ${rawBefore.records.toLocaleString('en')} records (pages of ${PAGE} by ZRANGEBYLEX, MGETs of ${MGET_CHUNK}, no decode): ${rawBefore.seconds.toFixed(1)} s before, ${rawAfter.seconds.toFixed(1)} s after`);
  console.log(`  plan / raw pass: ${(first.seconds / raw).toFixed(1)}x   (target: plan ≤ 60 s: ${first.seconds <= 60 ? 'PASS' : 'FAIL'})`);
  console.log(`  Redis used_memory: ${mb(memoryBefore)} MB before, peak +${mb(memoryPeak - memoryBefore)} MB, after +${mb(memoryAfter - memoryBefore)} MB; ledger hashes: occasion ${mb(ledger.occasion)} MB, day ${mb(ledger.day)} MB, cap ${mb(ledger.cap)} MB`);

  // Extra runs from a clean ledger (the same day's marks and pass removed): the spread of the first's time.
  const extra: number[] = [];
  for (let k = 2; k <= o.planRuns; k++) {
    await redis.del(keys.outreachOccasion('holiday:nationalDay:2026'), keys.outreachDay(day), keys.outreachCap(period), keys.outreachPass(`holiday:${day}:holiday:nationalDay:2026`));
    extra.push((await planOnce(`plan run ${k} (clean ledger)`, `bench-plan-extra-${k}`)).seconds);
  }
  if (extra.length > 0) console.log(`  plan runs: ${[first.seconds, ...extra].map((x) => x.toFixed(1)).join(', ')} s`);

  offset += 15 * 60_000;
  const second = await planOnce('next tick (09:46, same day)', 'bench-plan-2');

  const send = o.send ? await sendPhase(container, sandbox, redis, o) : null;
  if (send) {
    console.log(`  send phase: ${send.calls} add_msg_template calls (${send.ok} ok) in ${send.seconds.toFixed(1)} s = ${send.perMinute.toFixed(0)}/min against a quota of ${o.quota}/min: ${send.ratio.toFixed(3)} (target ≥ 0.9: ${send.ratio >= 0.9 ? 'PASS' : 'FAIL'}); 45009: ${send.e45009} (target 0: ${send.e45009 === 0 ? 'PASS' : 'FAIL'})`);
  }
  console.log(JSON.stringify({
    scenario: 'campaign', options: o, tiers, rawPassS: { before: rawBefore.seconds, after: rawAfter.seconds }, backfillS, plan: { seconds: first.seconds, ratio: first.seconds / raw, stats: first.stats, phasesMs: first.times, cpuS: first.cpu },
    nextTick: { seconds: second.seconds, stats: second.stats }, redis: { before: memoryBefore, peakAdded: memoryPeak - memoryBefore, afterAdded: memoryAfter - memoryBefore, ledger }, send,
  }));
  const ok = first.seconds <= 60 && (!send || (send.ratio >= 0.9 && send.e45009 === 0));
  return ok ? 0 : 1;
}

interface SendResult { calls: number; ok: number; e45009: number; seconds: number; perMinute: number; ratio: number; sends: number }

/**
 * The workers send what the first run queued: add_msg_template through the sandbox under
 * its quota. The rate is calls over the span from the first call to the last (a minute's
 * window is what both quotas count in).
 */
async function sendPhase(container: Container, sandbox: SandboxProcess, redis: Redis, o: Options): Promise<SendResult> {
  await sandbox.setLimit(ADD_MSG_TEMPLATE, o.quota, 'minute');
  const queue = container.queues.outreachSends;
  const sends = (await queue.getJobCounts('waiting', 'prioritized', 'delayed')) as Record<string, number>;
  const heapMb = (process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0);
  console.log(`  send phase: ${Object.values(sends).reduce((a, b) => a + b, 0)} outreach.send jobs queued; workers start (this process's heap ${heapMb} MB)`);
  const [cpu0, elu0, sandboxCpu0, redisCpu0, commands0] = [processCpuSeconds(), performance.eventLoopUtilization(), sandbox.cpuSeconds(), await redisCpuSeconds(redis), await redisCommandUsec(redis)];
  container.startWorkers();
  const t0 = performance.now();
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(c).every((n) => n === 0)) break;
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`send phase still running after 15 min: ${JSON.stringify(c)}`);
    await sleep(250);
  }
  const elu = performance.eventLoopUtilization(elu0);
  console.log(`  send phase: CPU in ${((performance.now() - t0) / 1000).toFixed(1)} s: this process ${(processCpuSeconds() - cpu0).toFixed(1)} s (event loop busy ${(elu.utilization * 100).toFixed(0)} %), the sandbox (WeCom) ${(sandbox.cpuSeconds() - sandboxCpu0).toFixed(1)} s, redis-server ${((await redisCpuSeconds(redis)) - redisCpu0).toFixed(1)} s`);
  console.log(`    redis-server's time by command: ${topCommands(commands0, await redisCommandUsec(redis), 6)}`);
  const calls = await sandbox.calls(ADD_MSG_TEMPLATE);
  const ats = calls.map((c) => c.at).sort((a, b) => a - b);
  const spanMs = Math.max(1, ats.at(-1)! - ats[0]!);
  const ok = calls.filter((c) => c.errcode === 0).length;
  // Rate over the span: n calls make n - 1 gaps.
  const perMinute = ((ok - 1) / spanMs) * 60_000;
  return { calls: calls.length, ok, e45009: calls.filter((c) => c.errcode === 45009).length, seconds: spanMs / 1000, perMinute, ratio: perMinute / o.quota, sends: ok };
}
