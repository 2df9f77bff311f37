import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { settleTiers } from '../src/domain/contacts/settle-tiers.ts';
import { DAY_MS } from '../src/domain/tiers/policy.ts';
import type { CallbackJobData } from '../src/jobs/callbacks/job.ts';
import { OUTREACH_PLAN_JOB_NAME } from '../src/jobs/outreach/job.ts';
import type { OptionSpec } from './lib/args.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { detectPinning, pinPid, runScenario } from './lib/procs.ts';
import { startBenchFenji, type BenchFenji } from './lib/welcome-fenji.ts';

/**
 * The add → welcome latency (the sandbox's WelcomeCode issued → send_welcome_msg taken, both
 * on its clock, in ms) over N adds, each a real callback over HTTP into a whole Fenji (web and
 * worker roles in one process, as `npm start` runs): first alone, then while a campaign runs
 * on the other queues: one follow-up add_msg_template task per rep and a tier-tag mark_tag
 * for every customer, all queued at once.
 */
export const WELCOME_OPTIONS = [
  { name: 'adds', default: 200, help: 'adds (each with a WelcomeCode) per phase', min: 10 },
  { name: 'gapMs', default: 40, help: 'ms between two adds', min: 0 },
  { name: 'reps', default: 1000, help: 'reps in the campaign (one outreach.send each)', min: 1 },
  { name: 'customers', default: 5000, help: 'customers in the campaign (one tier.tag each; spread over the reps)', min: 1 },
  { name: 'apiLatencyMs', default: 30, help: 'sandbox latency on every WeCom call', min: 0 },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof WELCOME_OPTIONS)[number]['name'], number>;

export function welcome(argv: string[]): Promise<number> {
  return runScenario(WELCOME_OPTIONS, argv, run);
}

/** Monday 2026-01-12 10:30 in Shanghai, inside config/tiers.jsonc's follow-up send window. */
const CAMPAIGN_AT = Date.UTC(2026, 0, 12, 2, 30);

interface Latency { p50: number; p95: number; max: number; sent: number; notSent: number }
interface Spread { p50: number; p95: number; max: number }

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji welcome bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? '  pinned: redis-server on CPU 1, this process on CPU 0' : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);
  const { server } = await startBenchRedis('welcome', { pinned: pin.enabled, aof: false });
  // Real time, moved to a weekday morning: the follow-up send window is open.
  const offset = CAMPAIGN_AT - Date.now();
  const fenji = await startBenchFenji({ redisUrl: server.url, clock: { now: () => Date.now() + offset }, apiLatencyMs: o.apiLatencyMs });
  const { sandbox } = fenji;
  const reps = Array.from({ length: o.reps }, (_, i) => ({ userid: `rep${i}`, name: `销售${i}` }));
  sandbox.state.seed({ reps: [...reps, { userid: 'zhangwei', name: '张伟' }] });

  await addsAndWelcomes(fenji, 5, o.gapMs, 'warm'); // token, tag catalog, JIT
  const alone = await addsAndWelcomes(fenji, o.adds, o.gapMs, 'alone');
  const aloneCallbacks = await callbackJobsDone(fenji, 'alone', offset);
  console.log(`  alone:          ${line(alone)}`);
  console.log(`                  (their callback jobs done: ${spreadLine(aloneCallbacks)})`);

  const campaign = await startCampaign(fenji, reps.map((r) => r.userid), o.customers);
  const before = await campaignLeft(fenji);
  const busy = await addsAndWelcomes(fenji, o.adds, o.gapMs, 'busy');
  const after = await campaignLeft(fenji);
  const busyCallbacks = await callbackJobsDone(fenji, 'busy', offset);
  console.log(`  under campaign: ${line(busy)}`);
  console.log(`                  (their callback jobs done: ${spreadLine(busyCallbacks)})`);
  console.log(`  campaign: ${campaign.sends} follow-up sends + ${campaign.tags} tier tags queued in ${campaign.queuedS.toFixed(1)} s; jobs left when the adds began ${JSON.stringify(before)}, when their welcomes were all answered ${JSON.stringify(after)}`);
  const ratio = { p50: busy.p50 / Math.max(1, alone.p50), p95: busy.p95 / Math.max(1, alone.p95) };
  console.log(`  ratio under campaign / alone: p50 ${ratio.p50.toFixed(2)}x, p95 ${ratio.p95.toFixed(2)}x (WeCom's limit: 20,000 ms)`);
  console.log(JSON.stringify({ scenario: 'welcome', options: o, alone, underCampaign: busy, ratio, callbackJobsDone: { alone: aloneCallbacks, underCampaign: busyCallbacks }, campaign: { ...campaign, leftAtStart: before, leftAtEnd: after } }));
  return busy.notSent + alone.notSent === 0 ? 0 : 1;
}

const spreadLine = (l: Spread) => `p50 ${l.p50} ms  p95 ${l.p95} ms  max ${l.max} ms after receipt`;
const line = (l: Latency) => `p50 ${l.p50} ms  p95 ${l.p95} ms  max ${l.max} ms  (${l.sent} sent, ${l.notSent} not sent)`;

/** `count` adds, one every `gapMs`, then waits for their welcomes (at most WeCom's 20 s past the last). */
async function addsAndWelcomes({ sandbox }: BenchFenji, count: number, gapMs: number, label: string): Promise<Latency> {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const added = await sandbox.simulate.addContact({ userid: 'zhangwei', name: `${label}${i}`, external_userid: `wm${label}${i}`, state: i % 2 ? 'booth-3' : '' });
    if (!added.delivery?.ok || !added.welcome_code) throw new Error(`add ${label}${i} was not delivered`);
    codes.push(added.welcome_code);
    if (gapMs > 0) await sleep(gapMs);
  }
  const deadline = Date.now() + 21_000;
  const done = () => codes.every((c) => sandbox.state.welcomeCodes.get(c)?.used_at !== undefined);
  while (!done() && Date.now() < deadline) await sleep(20);
  const latencies = codes.flatMap((c) => {
    const w = sandbox.state.welcomeCodes.get(c)!;
    return w.used_at === undefined ? [] : [w.used_at - w.issued_at];
  }).sort((a, b) => a - b);
  return { ...spread(latencies), sent: latencies.length, notSent: count - latencies.length };
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

/**
 * When the phase's callback jobs finished, after Fenji took each callback: what a welcome
 * queued by the callback job (rather than by the intake) would wait before it even started.
 */
async function callbackJobsDone({ container }: BenchFenji, label: string, offset: number): Promise<Spread> {
  const queue = container.queues.callbacks;
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    if (Object.values(c).every((n) => n === 0)) break;
    await sleep(50);
  }
  const jobs = await queue.getJobs(['completed'], 0, -1);
  return spread(jobs.flatMap((j) => {
    const data = j.data as CallbackJobData;
    const ofPhase = data.event.kind === 'external_contact' && data.event.externalUserId.startsWith(`wm${label}`);
    return ofPhase && j.finishedOn ? [j.finishedOn - (data.receivedAt - offset)] : [];
  }));
}

/** Customers added a week ago (tier C, due a follow-up), tiered at once (a tier.tag each), then one planning run (a send per rep). */
async function startCampaign({ container, sandbox }: BenchFenji, reps: string[], customers: number): Promise<{ sends: number; tags: number; queuedS: number }> {
  const addedAt = CAMPAIGN_AT - 7 * DAY_MS;
  const ids = Array.from({ length: customers }, (_, i) => `wmCampaign${i}`);
  sandbox.state.seed({ contacts: ids.map((id, i) => ({ external_userid: id, name: id, follow: [reps[i % reps.length]!] })) });
  for (const [i, id] of ids.entries()) {
    await container.store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: addedAt, updatedAt: addedAt,
      follows: [{ userId: reps[i % reps.length]!, addedAt, changedAt: addedAt, tagIds: [], status: 'active' }] });
  }
  const started = performance.now();
  await settleTiers(container.contacts, ids, addedAt);
  await container.queues.outreach.add(OUTREACH_PLAN_JOB_NAME, {}, { jobId: 'bench-plan' });
  while ((await container.queues.outreach.getJobState('bench-plan')) !== 'completed') await sleep(20);
  return { sends: Math.min(reps.length, customers), tags: customers, queuedS: (performance.now() - started) / 1000 };
}

/** Campaign jobs waiting or running (read-backs waiting for their check, delayed, do not count). */
async function campaignLeft({ container }: BenchFenji): Promise<{ followups: number; tierTags: number }> {
  const left = async (q: (typeof container.queues)['outreachSends']) => {
    const c = await q.getJobCounts('waiting', 'active', 'prioritized');
    return Object.values(c).reduce((a, b) => a + b, 0);
  };
  return { followups: await left(container.queues.outreachSends), tierTags: await left(container.queues.wecomOutbound) };
}
