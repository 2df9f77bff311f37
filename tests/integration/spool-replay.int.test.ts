import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/ingress/spool.ts';
import type { CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { startIntakeFixture, until, type IntakeFixture } from '../helpers/intake-fixture.ts';
import { testRedisUrl } from '../helpers/redis.ts';

const root = path.resolve(import.meta.dirname, '../..');

function event(key: string): CallbackJobData {
  return { dedupeKey: `evt-${key}`, receivedAt: Date.now(), event: { kind: 'unknown', msgType: 'event', toUserName: 'corp', fromUserName: 'sys', createTime: 1 } };
}

/** `count` events in order, every tenth one spooled twice (a WeCom retry during the outage). */
function outageEvents(count: number): { spooled: CallbackJobData[]; unique: string[] } {
  const spooled: CallbackJobData[] = [];
  const unique: string[] = [];
  for (let n = 0; n < count; n++) {
    spooled.push(event(`spooled${n}`));
    unique.push(`evt-spooled${n}`);
    if (n % 10 === 9) spooled.push(event(`spooled${n - 5}`));
  }
  return { spooled, unique };
}

describe('spool replay (real Redis)', () => {
  let f: IntakeFixture;
  beforeEach(async () => { f = await startIntakeFixture('replay'); });
  afterEach(() => f.close());

  it('takes a new callback straight to the queue while an old spool is replaying', async () => {
    const spool = new Spool<CallbackJobData>(f.spoolDir);
    const { spooled, unique } = outageEvents(10_000);
    await Promise.all(spooled.map((e) => spool.append(e)));
    const intake = f.intake(spool);

    const replay = intake.replaySpool();
    await until(async () => ((await f.queue.getJobCounts('wait')).wait ?? 0) > 0, 'the replay to start');
    expect(await intake.accept(event('live'))).toBe('accepted');
    await replay;

    expect(await spool.size()).toBe(0);
    const queued = await f.queuedInOrder();
    expect(queued).toHaveLength(unique.length + 1);
    expect(queued.filter((id) => id !== 'evt-live')).toEqual(unique);
  });

  it('replays in order, each event once, after a crash mid-replay', async () => {
    const spool = new Spool<CallbackJobData>(f.spoolDir);
    const { spooled, unique } = outageEvents(3000);
    await Promise.all(spooled.map((e) => spool.append(e)));
    const bytes = await spool.size();

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/replay-until-killed.ts', testRedisUrl(), f.prefix, f.spoolDir, '1000'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');
    const before = await f.queuedInOrder();
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(unique.length);
    expect(await spool.size()).toBe(bytes); // nothing truncated before it was all in Redis

    // Fenji restarts and replays the same file: what the dead process queued is deduped.
    await f.intake().replaySpool();
    expect(await spool.size()).toBe(0);
    expect(await f.queuedInOrder()).toEqual(unique);
  });
});
