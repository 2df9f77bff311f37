import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { playSandbox, useStoryFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';

const HOUR = 3_600_000;
const REP = 'zhangwei';
/** Monday 2026-01-05 10:00 in Shanghai; follow-ups go out 10:00-12:00. */
const T0 = Date.UTC(2026, 0, 5, 2);
/** 10:30 in Shanghai on day `d` after T0. */
const morning = (d: number) => T0 + d * DAY_MS + 30 * 60_000;
/** 12:30 on day `d`: when the rep confirms that day's tasks. */
const confirmed = (d: number) => morning(d) + 2 * HOUR;

interface TemplateCall { chat_type: string; sender: string; external_userid: string[]; text: { content: string } }

/**
 * Issue 3's "a customer who deletes the rep is churned and gets no more pushes", end to
 * end: WeCom (the sandbox) → callbacks → tiers → follow-up pushes as add_msg_template
 * tasks, with a clock the test moves and the jobs the schedulers would run.
 */
describe('follow-up pushes stop for a customer who deletes the rep, and go on for the others', () => {
  let fenji: InProcessFenji;
  useStoryFenji({ name: 'follow-up story', start: T0, rep: { userid: REP, name: '张伟' } }, (f) => (fenji = f));
  const control = (action: string, body: object): Promise<unknown> => playSandbox(fenji, action, body);
  const policy = () => fenji.container.policies.followUps;
  const stored = async (id: string) => (await fenji.container.store.get(id))!;
  const tasks = (): TemplateCall[] => fenji.sandbox.calls.list({ path: 'externalcontact/add_msg_template', errcode: 0 }).map((c) => c.body as TemplateCall);
  /** The rep confirms each new task in the WeCom client two hours later; Fenji reads back who got it by 15:30. */
  async function confirm(created: TemplateCall[], d: number): Promise<void> {
    if (created.length === 0) return;
    fenji.clock.set(confirmed(d));
    const templates = [...fenji.sandbox.state.msgTemplates.values()].slice(-created.length);
    for (const t of templates) await control('simulate/confirm-groupmsg', { msgid: t.msgid });
    fenji.clock.set(confirmed(d) + 3 * HOUR);
    await fenji.runFollowUpResults();
  }
  /** What the schedulers do on a day: tiers re-evaluated (every minute), then the follow-up run; the rep confirms. */
  async function day(d: number, { confirmTasks = true } = {}): Promise<TemplateCall[]> {
    const before = tasks().length;
    fenji.clock.set(morning(d));
    await fenji.runDueJob();
    await fenji.runFollowUpPlan();
    const created = tasks().slice(before);
    if (confirmTasks) await confirm(created, d);
    return created;
  }

  it('two new customers (C) get their first follow-up a week later, in one task from their rep, pushed once the rep confirms it', async () => {
    await control('simulate/add-contact', { userid: REP, name: '王芳', external_userid: 'wmKeeps' });
    await control('simulate/add-contact', { userid: REP, name: '韩梅', external_userid: 'wmGoes' });
    for (const id of ['wmKeeps', 'wmGoes']) expect((await stored(id)).tier?.tier).toBe('C');
    expect(await day(6)).toEqual([]);
    const created = await day(7, { confirmTasks: false });
    expect(created).toEqual([{ chat_type: 'single', sender: REP, external_userid: ['wmGoes', 'wmKeeps'], text: { content: policy().tiers.C.text } }]);
    // A task reaches nobody until the rep confirms it: no push yet, even once its first read-back (an hour on) ran.
    fenji.clock.set(morning(7) + HOUR);
    await fenji.runFollowUpResults();
    expect(fenji.sandbox.calls.list({ path: 'externalcontact/get_groupmsg_send_result', errcode: 0 })).toHaveLength(1);
    expect((await stored('wmGoes')).engagement.pushes).toEqual([]);
    await confirm(created, 7);
    const [template] = [...fenji.sandbox.state.msgTemplates.values()];
    expect(template!.recipients.map((r) => r.status)).toEqual([1, 1]);
    for (const id of ['wmKeeps', 'wmGoes']) expect((await stored(id)).engagement.pushes).toEqual([confirmed(7)]);
  });

  it('韩梅 replies within 3 days of the confirmed push: B, and three days later the B follow-up (push to close)', async () => {
    fenji.clock.set(confirmed(7) + 2 * DAY_MS);
    await control('simulate/customer-message', { external_userid: 'wmGoes', text: '好的，我看看' });
    expect((await stored('wmGoes')).tier).toMatchObject({ tier: 'B' });
    expect((await stored('wmGoes')).tier!.reasons.join('; ')).toMatch(/回复了推送/);
    expect(await day(10)).toEqual([{ chat_type: 'single', sender: REP, external_userid: ['wmGoes'], text: { content: policy().tiers.B.text } }]);
  });

  it('韩梅 deletes the rep (del_follow_user): churned, D', async () => {
    fenji.clock.set(morning(11));
    await control('simulate/customer-deletes-rep', { userid: REP, external_userid: 'wmGoes' });
    const record = await stored('wmGoes');
    expect(record.tier).toMatchObject({ tier: 'D', lifecycle: 'churned' });
    expect(record.engagement.customerLeft).toBe(true);
  });

  it('later runs, well past every cadence, send her nothing while 王芳 still gets hers', async () => {
    expect(await day(13)).toEqual([]);
    expect(await day(14)).toEqual([{ chat_type: 'single', sender: REP, external_userid: ['wmKeeps'], text: { content: policy().tiers.C.text } }]);
    // 王芳 never wrote: C every 7 days until C lapses into D (30 days after she was added,
    // plus the grace), then D every 30 days from her last push. Day 59 (5 March) is the last
    // catch-up day of 元宵 (3 March): its greeting goes out; a greeting is not a follow-up
    // push, so her D follow-up still goes out when due, the next day (春节, day 43, fell
    // between the runs and its catch-up days).
    const later: [number, string][] = [];
    for (const d of [20, 30, 40, 50, 59, 60, 80]) for (const t of await day(d)) later.push([d, t.text.content]);
    const lantern = fenji.container.occasions.occasions.holidays.lanternFestival.texts.D;
    expect(later).toEqual([[30, policy().tiers.C.text], [59, lantern], [60, policy().tiers.D.text]]);
    expect((await stored('wmKeeps')).tier?.tier).toBe('D');
    expect(tasks().flatMap((t) => t.external_userid).filter((id) => id === 'wmKeeps')).toHaveLength(5);
    expect(tasks().filter((t) => t.external_userid.includes('wmGoes'))).toHaveLength(2);
    expect((await stored('wmGoes')).engagement.pushes).toEqual([confirmed(7), confirmed(10)]);
  });
});
