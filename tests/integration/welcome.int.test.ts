import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELCOME_JOB_OPTIONS, welcomeJobId, type WelcomeJobData } from '../../src/jobs/welcome/job.ts';
import type { WelcomeOutcome } from '../../src/observability/metrics.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { addExternalContactXml } from '../../src/wecom/callback-xml.ts';
import { fakeClock, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { postSealed, sealForSandbox } from '../helpers/post-callback.ts';
import { waitForJob } from '../helpers/wait-for.ts';

/** The welcome texts of tests/fixtures/occasions.jsonc. */
const DEFAULT_TEXT = '您好，很高兴认识您！';
const BOOTH_TEXT = '欢迎您在展会上添加我！';
const REP = 'zhangwei';
const WELCOME_PATH = 'externalcontact/send_welcome_msg';

describe('welcome message (sandbox, real Redis)', () => {
  let fenji: InProcessFenji;
  beforeAll(async () => {
    fenji = await startInProcessFenji({ clock: fakeClock(Date.UTC(2026, 8, 25, 2)) });
    fenji.sandbox.state.seed({ reps: [{ userid: REP, name: '张伟' }] });
  });
  afterAll(() => fenji?.close());

  /** A customer adds the rep in the sandbox (through contact way `state`); its WelcomeCode. */
  async function add(name: string, state?: string): Promise<string> {
    const added = await fenji.sandbox.simulate.addContact({ userid: REP, name, ...(state ? { state } : {}) });
    expect(added.delivery?.ok, 'add callback delivered').toBe(true);
    return added.welcome_code!;
  }
  const welcomeJob = (code: string) => waitForJob<WelcomeJobData, WelcomeOutcome>(fenji.container.queues.welcome, welcomeJobId(code));
  const sent = (code: string) => fenji.sandbox.state.welcomeCodes.get(code)!.message ?? null;
  const callsWith = (code: string) => fenji.sandbox.calls.list({ path: WELCOME_PATH }).filter((c) => (c.body as { welcome_code?: string }).welcome_code === code);
  async function count(outcome: WelcomeOutcome): Promise<number> {
    const metric = await fenji.container.metrics.welcomes.get();
    return metric.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }

  it("sends the State's text for an add through that contact way", async () => {
    const before = await count('sent');
    const code = await add('王芳', 'booth-3');
    expect((await welcomeJob(code)).returnvalue).toBe('sent');
    expect(sent(code)).toEqual({ welcome_code: code, text: { content: BOOTH_TEXT } });
    expect(await count('sent')).toBe(before + 1);
  });

  it('sends the default text for a State the config does not know, and for no State', async () => {
    const poster = await add('李雷', 'poster-9');
    const plain = await add('韩梅梅');
    expect((await welcomeJob(poster)).returnvalue).toBe('sent');
    expect((await welcomeJob(plain)).returnvalue).toBe('sent');
    expect(sent(poster)).toEqual({ welcome_code: poster, text: { content: DEFAULT_TEXT } });
    expect(sent(plain)).toEqual({ welcome_code: plain, text: { content: DEFAULT_TEXT } });
  });

  it('welcomes a 免验证 add the rep has not added back (add_half_external_contact) the same way', async () => {
    const added = await fenji.sandbox.simulate.addContact({ userid: REP, name: '半加', state: 'booth-3', half: true });
    expect(added.delivery?.ok).toBe(true);
    expect((await welcomeJob(added.welcome_code!)).returnvalue).toBe('sent');
    expect(sent(added.welcome_code!)).toEqual({ welcome_code: added.welcome_code, text: { content: BOOTH_TEXT } });
  });

  it('drops a welcome whose add is older than 20 s: counted late, never sent', async () => {
    const addedAt = fenji.clock.now();
    const code = fenji.sandbox.state.issueWelcomeCode(REP, 'wmLate', 'booth-3').code;
    fenji.sandbox.state.upsertContact({ name: '迟到', external_userid: 'wmLate' });
    fenji.sandbox.state.upsertRelation({ userid: REP, external_userid: 'wmLate', state: 'booth-3' });
    // WeCom's callback of that add reaches Fenji 25 s after it (a resend, a slow network).
    fenji.clock.advance(25_000);
    const xml = addExternalContactXml({ corpId: C.corpId, userId: REP, externalUserId: 'wmLate', createTime: Math.floor(addedAt / 1000), state: 'booth-3', welcomeCode: code });
    const before = await count('late');
    expect(await postSealed(fenji.url, sealForSandbox(xml, Math.floor(fenji.clock.now() / 1000)))).toBe(200);
    expect((await welcomeJob(code)).returnvalue).toBe('late');
    expect(callsWith(code)).toEqual([]);
    expect(sent(code)).toBeNull();
    expect(await count('late')).toBe(before + 1);
  });

  it('sends one welcome for a replayed add: the same callback again, and the same code in an event with another dedupe key', async () => {
    const addedAt = fenji.clock.now();
    const code = await add('重放', 'booth-3');
    const externalUserId = fenji.sandbox.state.welcomeCodes.get(code)!.external_userid;
    const xml = (createTime: number) => addExternalContactXml({ corpId: C.corpId, userId: REP, externalUserId, createTime, state: 'booth-3', welcomeCode: code });
    const ts = Math.floor(fenji.clock.now() / 1000);
    expect(await postSealed(fenji.url, sealForSandbox(xml(Math.floor(addedAt / 1000)), ts))).toBe(200);
    expect(await postSealed(fenji.url, sealForSandbox(xml(Math.floor(addedAt / 1000) + 1), ts))).toBe(200);
    await fenji.settled();
    expect((await welcomeJob(code)).returnvalue).toBe('sent');
    expect(callsWith(code)).toHaveLength(1);
    const jobs = await fenji.container.queues.welcome.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.filter((j: Job<WelcomeJobData>) => j.data.welcomeCode === code)).toHaveLength(1);
  });

  it('takes 41051 from WeCom as final: one call, no retry, counted invalid_code', async () => {
    fenji.sandbox.faults.add({ kind: 'errcode', errcode: 41051, errmsg: 'welcome_code already used', path: WELCOME_PATH, times: 1 });
    const before = await count('invalid_code');
    const code = await add('已用', 'booth-3');
    const job = await welcomeJob(code);
    expect(job.returnvalue).toBe('invalid_code');
    expect(job.attemptsMade).toBeLessThanOrEqual(1);
    await fenji.settled();
    expect(callsWith(code).map((c) => c.errcode)).toEqual([41051]);
    expect(await count('invalid_code')).toBe(before + 1);
  });

  it('retries a call WeCom never answered, within the 20 s, and sends once', async () => {
    fenji.sandbox.faults.add({ kind: 'drop', path: WELCOME_PATH, times: 1 });
    const code = await add('掉线', 'booth-3');
    const job = await welcomeJob(code);
    expect(job.returnvalue).toBe('sent');
    expect(job.attemptsMade).toBeLessThan(WELCOME_JOB_OPTIONS.attempts!);
    expect(callsWith(code).map((c) => c.errcode)).toEqual([null, 0]);
    expect(sent(code)).toEqual({ welcome_code: code, text: { content: BOOTH_TEXT } });
  });

  it('queues nothing for an add without a WelcomeCode', async () => {
    const added = await fenji.sandbox.simulate.addContact({ userid: REP, name: '无码', state: 'booth-3', welcomeCode: false });
    expect(added.welcome_code).toBeNull();
    await fenji.settled();
    const stored = await fenji.container.store.get(added.contact.external_userid);
    expect(stored, 'the add itself was processed').toBeTruthy();
    const jobs = await fenji.container.queues.welcome.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    expect(jobs.filter((j: Job<WelcomeJobData>) => j.data.externalUserId === added.contact.external_userid)).toEqual([]);
  });
});
