import { afterEach, describe, expect, it } from 'vitest';
import { RedisOutreachLedger } from '../../src/adapters/redis/outreach-ledger.ts';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { planOutreach } from '../../src/jobs/outreach/plan-outreach.ts';
import { connectTestRedis } from '../helpers/redis.ts';
import { dayAfterT0, oneOccasionPlanner, type OneOccasion } from '../helpers/one-occasion-planner.ts';
import { createFollowUpWorld, HOUR, T0, TEMPLATE_PATH, type TemplateCall, type WorldOptions } from './follow-ups.fixture.ts';

const TEXTS = { A: '{name}，中秋快乐！', B: '中秋快乐！B', C: '中秋快乐！C', D: '中秋快乐！D' };
/** 10:00 in Shanghai on day `d` after T0 (+ minutes). */
const at = (d: number, minutes = 0) => T0 + d * DAY_MS + minutes * 60_000;

describe('outreach guards, every kind through one pipeline (sandbox, real Redis)', () => {
  let w: Awaited<ReturnType<typeof createFollowUpWorld>>;
  afterEach(() => w?.close());
  const world = async (occasions: Omit<OneOccasion, 'texts'>[], options: Omit<WorldOptions, 'planners'> = {}) => {
    w = await createFollowUpWorld({ ...options, planners: ({ store }) => occasions.map((o) => oneOccasionPlanner(store, { ...o, texts: TEXTS })) });
    return w;
  };
  const templates = () => w.sandbox.calls.list({ path: TEMPLATE_PATH, errcode: 0 }).map((c) => c.body as TemplateCall);
  const tier = async (id: string, t: 'A' | 'B', when: number) => {
    await w.store.setOverride(id, { tier: t, by: 'test', reason: 'test', at: when });
    await settleTiers(w.followUps.contacts, [id], when);
  };

  it('two planning processes racing: one message per customer and occasion, ever', async () => {
    const ids = ['wm1', 'wm2', 'wm3'];
    await world([{ kind: 'holiday', id: 'midAutumn', label: '中秋', date: dayAfterT0(1), at: 9 * 60 + 30, customers: ids }]);
    for (const id of ids) await w.customer(id, 'zhangwei');
    w.clock.set(at(1));
    await w.pause();
    // A second scheduler process: its own connection and ledger object, the same Redis.
    const other = connectTestRedis();
    const otherLedger = new RedisOutreachLedger({ redis: other, keys: w.keys, timeZone: 'Asia/Shanghai', rule: 'month', clock: w.clock });
    const runs = await Promise.all([planOutreach(w.planDeps(), 'run-a'), planOutreach({ ...w.planDeps(), ledger: otherLedger }, 'run-b')]);
    other.disconnect();
    expect(runs.reduce((n, r) => n + r.recipients, 0)).toBe(3);
    w.resume();
    await w.idle();
    // Later the same day and the next, by either process: nothing again.
    w.clock.set(at(1, 60));
    await w.plan();
    expect(templates().flatMap((t) => t.external_userid).sort()).toEqual(ids);
    expect(templates().every((t) => t.text.content === TEXTS.C)).toBe(true);
  });

  it('a follow-up gives way to a birthday due later the same day, and goes out the next day', async () => {
    await world([{ kind: 'birthday', id: 'birthday', label: '生日', date: dayAfterT0(7), at: 15 * 60, customers: ['wmBday'] }]);
    await w.customer('wmBday', 'zhangwei');
    await w.customer('wmPlain', 'zhangwei');
    // Day 7, 10:30: both are due a follow-up (C, added on day 0); the birthday is due at 15:00.
    w.clock.set(at(7, 30));
    await w.plan();
    expect(templates().map((t) => t.external_userid)).toEqual([['wmPlain']]);
    w.clock.set(at(7, 5 * 60));
    await w.plan();
    expect(templates().at(-1)).toEqual({ chat_type: 'single', sender: 'zhangwei', external_userid: ['wmBday'], text: { content: TEXTS.C } });
    // Day 8, 10:30: the follow-up, late by a day, not lost.
    w.clock.set(at(8, 30));
    await w.plan();
    expect(templates()).toHaveLength(3);
    expect(templates().at(-1)!.external_userid).toEqual(['wmBday']);
    expect(templates().at(-1)!.text.content).toBe(w.followUps.policy.tiers.C.text);
  });

  it('quiet hours hold for a greeting: nothing planned or sent in them, it goes out once they end', async () => {
    // A greeting set for 22:00 on day 3, inside quiet hours (21:00-09:00): never sent that night.
    await world([
      { kind: 'holiday', id: 'late', label: '夜', date: dayAfterT0(3), at: 22 * 60, customers: ['wmQ'] },
      { kind: 'aftersale', id: 'care', label: '售后', date: dayAfterT0(4), at: 6 * 60, customers: ['wmQ'] },
    ]);
    await w.customer('wmQ', 'zhangwei');
    for (const time of [at(3, 12 * 60 + 30), at(4, -120)]) {
      w.clock.set(time); // 22:30 on day 3, 08:00 on day 4: quiet
      await w.plan();
    }
    expect(w.sandbox.calls.list({ path: TEMPLATE_PATH })).toEqual([]);
    w.clock.set(at(4, -55)); // 09:05: the after-sale greeting due since 06:00 goes now
    await w.plan();
    expect(templates().map((t) => t.external_userid)).toEqual([['wmQ']]);
  });

  it('opted-out, churned and left customers get nothing; the others do', async () => {
    const ids = ['wmOk', 'wmOut', 'wmGone', 'wmChurned'];
    await world([{ kind: 'holiday', id: 'midAutumn', label: '中秋', date: dayAfterT0(1), at: 9 * 60 + 30, customers: ids }]);
    for (const id of ids) await w.customer(id, 'zhangwei');
    await w.store.addInteraction({ id: 'out-1', externalUserId: 'wmOut', direction: 'inbound', channel: 'message', at: T0 + HOUR }, []);
    const optedOut = (await w.store.get('wmOut'))!;
    // Opt-outs are persisted by their own change (i8-optout); the pipeline reads ContactRecord.optOut.
    const churned = (await w.store.get('wmChurned'))!;
    const store = {
      get: async (id: string) => id === 'wmOut' ? { ...optedOut, optOut: { at: T0 + HOUR, keyword: '退订', source: 'out-1' } }
        : id === 'wmChurned' ? { ...churned, tier: { ...churned.tier!, lifecycle: 'churned' as const } } : w.store.get(id),
    };
    await w.sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wmGone' });
    await w.store.applyRelationFacts('wmGone', [{ userId: 'zhangwei', status: 'removed_by_customer', at: T0 + HOUR }]);
    await w.store.setCustomerLeft('wmGone', true);
    w.clock.set(at(1));
    const stats = await planOutreach({ ...w.planDeps(), store }, 'run-1');
    expect(stats.kinds.holiday).toMatchObject({ claimed: 1, skipped: { opted_out: 1, customer_left: 1, churned: 1 } });
    await w.idle();
    expect(templates().map((t) => t.external_userid)).toEqual([['wmOk']]);
  });

  it('WeCom’s receive cap: with 1 a day, a task still awaiting confirmation keeps the next day’s away (capped), and WeCom never answers status 3', async () => {
    await world([
      { kind: 'holiday', id: 'one', label: '一', date: dayAfterT0(1), at: 9 * 60 + 30, customers: ['wmCap'] },
      { kind: 'birthday', id: 'two', label: '二', date: dayAfterT0(2), at: 9 * 60 + 30, customers: ['wmCap'] },
    ], { rule: 'day' });
    await fetch(`${w.sandbox.url}/_sandbox/groupmsg-rule`, { method: 'POST', body: JSON.stringify({ rule: 'day' }) });
    await w.customer('wmCap', 'zhangwei');
    w.clock.set(at(1));
    await w.plan();
    expect(templates()).toHaveLength(1);
    // Day 2: yesterday's task is not confirmed yet; WeCom counts it when the rep confirms.
    w.clock.set(at(2));
    const stats = await planOutreach(w.planDeps(), 'run-2');
    expect(stats.kinds.birthday!.skipped).toEqual({ capped: 1 });
    await w.idle();
    for (const t of w.sandbox.state.msgTemplates.values()) w.sandbox.simulate.confirmGroupMsg({ msgid: t.msgid });
    expect(templates()).toHaveLength(1);
    expect([...w.sandbox.state.msgTemplates.values()].flatMap((t) => t.recipients.map((r) => r.status))).toEqual([1]);
  });

  it('A customers of a greeting: their rep gets one list naming them, once, even when the job runs twice', async () => {
    const ids = ['wmA1', 'wmA2', 'wmB'];
    await world([{ kind: 'holiday', id: 'midAutumn', label: '中秋', date: dayAfterT0(1), at: 9 * 60 + 30, customers: ids }]);
    for (const id of ids) await w.customer(id, 'zhangwei');
    await tier('wmA1', 'A', T0);
    await tier('wmA2', 'A', T0);
    w.clock.set(at(1));
    await w.plan();
    await w.plan();
    const list = async () => ((await (await fetch(`${w.sandbox.url}/_sandbox/app-messages?userid=zhangwei`)).json()) as { messages: { content: string }[] }).messages;
    const messages = await list();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toContain('【中秋】');
    for (const id of ['wmA1', 'wmA2']) expect(messages[0]!.content).toContain(`${id}，中秋快乐！`);
    // B goes out as 群发; A never does.
    expect(templates().map((t) => t.external_userid)).toEqual([['wmB']]);
    // The job itself run again (a retry after it finished): nothing sent twice.
    const [job] = await w.queue.getJobs(['completed']).then((jobs) => jobs.filter((j) => j.name === 'outreach.notify'));
    await job!.retry('completed');
    await w.idle();
    expect(await list()).toHaveLength(1);
  });

  it('dry run: every planner and guard runs, no sending API is called, the real ledger stays untouched', async () => {
    const ids = ['wmA', 'wmB'];
    await world([{ kind: 'holiday', id: 'midAutumn', label: '中秋', date: dayAfterT0(1), at: 9 * 60 + 30, customers: ids }], { dryRun: true });
    for (const id of ids) await w.customer(id, 'zhangwei');
    await tier('wmA', 'A', T0);
    w.clock.set(at(1));
    await w.plan();
    await w.plan();
    const sending = ['externalcontact/add_msg_template', 'message/send'];
    expect(w.sandbox.calls.list().filter((c) => sending.some((p) => c.path.endsWith(p)))).toEqual([]);
    const entries = await w.dryRunLog!.entries();
    expect(entries.map((e) => [e.api, e.rep, e.recipients])).toEqual(
      expect.arrayContaining([['add_msg_template', 'zhangwei', ['wmB']], ['message/send', 'zhangwei', ['wmA']]]));
    expect(entries).toHaveLength(2);
    // The real ledger never heard of it: turning the dry run off sends normally.
    const real = new RedisOutreachLedger({ redis: w.redis, keys: w.keys, timeZone: 'Asia/Shanghai', rule: 'month', clock: w.clock });
    expect(await real.check(ids.map((id) => ({ externalUserId: id, occasionKey: 'holiday:midAutumn:2026-01-06', counts: true })), at(1))).toEqual(['ok', 'ok']);
    expect(await w.redis.keys(`${w.prefix}:or:oc:*`)).toEqual([]);
  });
});
