import { afterAll, beforeAll, expect, it } from 'vitest';
import { settleTiers } from '../../src/domain/contacts/settle-tiers.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { OUTREACH_PLAN_JOB_NAME, OUTREACH_SEND_CONCURRENCY } from '../../src/jobs/outreach/job.ts';
import { welcomeJobId, type WelcomeJobData } from '../../src/jobs/welcome/job.ts';
import type { WelcomeOutcome } from '../../src/observability/metrics.ts';
import { fakeClock, startInProcessFenji, type InProcessFenji } from '../helpers/in-process-fenji.ts';
import { waitFor, waitForJob } from '../helpers/wait-for.ts';

/** Monday 2026-01-05 10:00 in Shanghai: the day the campaign's customers were added. */
const T0 = Date.UTC(2026, 0, 5, 2);
/** A week later, 10:30, inside the follow-up send window: every C customer added on T0 is due. */
const CAMPAIGN_AT = T0 + 7 * DAY_MS + 30 * 60_000;
/** Three times the sends in flight: most of the campaign waits on its queue. */
const REPS = 3 * OUTREACH_SEND_CONCURRENCY;
const TEMPLATE_PATH = 'externalcontact/add_msg_template';

let fenji: InProcessFenji;
beforeAll(async () => {
  fenji = await startInProcessFenji({ clock: fakeClock(CAMPAIGN_AT) });
});
afterAll(async () => {
  // Let the held campaign calls go, so closing does not wait on them.
  fenji?.sandbox.faults.clear();
  await fenji?.close();
});

it('sends a welcome while a follow-up campaign and tier-tag jobs are still waiting on their own queues', async () => {
  // One due C customer per rep: one outreach.send (add_msg_template) per rep, and a tier.tag
  // (mark_tag) each; WeCom answers both slowly, so the campaign takes long.
  const reps = Array.from({ length: REPS }, (_, i) => ({ userid: `rep${i}`, name: `销售${i}` }));
  const ids = reps.map((r) => `wmCampaign${r.userid}`);
  fenji.sandbox.state.seed({ reps: [...reps, { userid: 'zhangwei', name: '张伟' }], contacts: ids.map((id, i) => ({ external_userid: id, name: id, follow: [reps[i]!.userid] })) });
  for (const path of [TEMPLATE_PATH, 'externalcontact/mark_tag']) fenji.sandbox.faults.add({ kind: 'delay', ms: 4000, path, times: 10_000 });
  const { store, contacts, queues } = fenji.container;
  for (const [i, id] of ids.entries()) {
    await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: T0, updatedAt: T0,
      follows: [{ userId: reps[i]!.userid, addedAt: T0, changedAt: T0, tagIds: [], status: 'active' }] });
  }
  await settleTiers(contacts, ids, T0);
  await queues.outreach.add(OUTREACH_PLAN_JOB_NAME, {}, { jobId: 'lane-plan' });
  await waitForJob(queues.outreach, 'lane-plan');
  const waitingSends = (await queues.outreachSends.getWaiting()).map((j) => j.id!);
  expect(waitingSends.length, 'the campaign queued its sends and most wait').toBeGreaterThan(REPS / 2);

  const added = await fenji.sandbox.simulate.addContact({ userid: 'zhangwei', name: '新客户', state: 'booth-3' });
  expect(added.delivery?.ok).toBe(true);
  const welcome = await waitForJob<WelcomeJobData, WelcomeOutcome>(queues.welcome, welcomeJobId(added.welcome_code!));
  expect(welcome.returnvalue).toBe('sent');

  // The welcome went out while sends queued before it were still waiting their turn.
  const states = await Promise.all(waitingSends.map((id) => queues.outreachSends.getJobState(id)));
  expect(states.filter((s) => s === 'waiting').length).toBeGreaterThan(0);
  expect(fenji.sandbox.calls.list({ path: TEMPLATE_PATH, errcode: 0 }).length).toBeLessThan(REPS);
  const tagJobs = await queues.wecomOutbound.getJobCounts('waiting', 'active', 'delayed');
  expect(tagJobs['waiting']! + tagJobs['active']! + tagJobs['delayed']!, 'tier-tag jobs still pending').toBeGreaterThan(0);
  await waitFor(() => fenji.sandbox.state.welcomeCodes.get(added.welcome_code!)?.used_at !== undefined, 'welcome recorded by the sandbox');
});
