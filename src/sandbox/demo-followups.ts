import { CliError, type CliContext } from '../cli/run-cli.ts';
import { planFollowUp } from '../domain/outreach/planners/follow-up.ts';
import type { ContactRecord } from '../domain/ports.ts';
import { TIER_LABELS } from '../domain/tiers/policy.ts';
import { readOutreachResults } from '../jobs/outreach/read-results.ts';
import { planOutreach } from '../jobs/outreach/plan-outreach.ts';
import { sendOutreach } from '../jobs/outreach/send-outreach.ts';
import { pushRecorder } from '../jobs/outreach/worker.ts';
import type { OutreachResultJobData, OutreachSendJobData } from '../jobs/outreach/job.ts';
import type { Clock } from '../shared/clock.ts';
import { callControl } from './client.ts';
import type { StateSnapshot } from './snapshot.ts';

const REP = 'zhangwei';

/**
 * `npm run sandbox -- demo followups`: Fenji's follow-up push, which takes a week and the
 * 10:00-12:00 send window, played now. It runs the production planning and sending steps
 * itself (never through Fenji's queue, whose schedule runs on untouched) on a demo clock
 * set to the first moment every customer of the demo rep is due and the window is open,
 * confirms each task in the sandbox as the rep would in the WeCom client, then reads the
 * result back on the real clock, as Fenji's read-back job would, and shows what Fenji
 * recorded. Sandbox mode only: a demo clock must never reach a real corp's customers.
 */
export async function followUpsDemo({ config, container, log }: CliContext): Promise<void> {
  if (config.mode !== 'sandbox') {
    throw new CliError('demo followups runs in sandbox mode only: it plans on a demo clock, which a real corp\'s customers must never see');
  }
  const base = config.wecom.apiBase;
  const state = await callControl<StateSnapshot>(base, 'GET', 'state', undefined, { signal: AbortSignal.timeout(3000) })
    .then((res) => res.body)
    .catch(() => {
      throw new CliError(`沙箱无法连接 sandbox not reachable at ${base} — start Fenji first: npm start`);
    });
  const ids = state.relations.filter((r) => r.userid === REP).map((r) => r.external_userid);
  if (ids.length === 0) throw new CliError('张伟还没有客户 张伟 has no customers yet: run npm run sandbox -- demo first');
  const names = new Map(state.contacts.map((c) => [c.external_userid, c.name]));
  const { outreach } = container;
  const policy = container.policies.followUps;
  // The follow-up planner alone: the demo plays follow-ups, whatever else is due.
  const followUps = { ...outreach, planners: outreach.planners.filter((p) => p.kind === 'followup') };
  const tz = config.timezone;
  const at = (ms: number) => formatTime(ms, tz);

  // [1] Who is due when, as Fenji's planner decides it.
  const records = (await Promise.all(ids.map((id) => followUps.store.get(id)))).filter((r): r is ContactRecord => r !== null);
  const now = Date.now();
  let demoNow = now;
  console.log(`[1/4] 张伟的客户 张伟's customers (${tz}):`);
  for (const record of records) {
    const decision = planFollowUp(record, policy, now, tz);
    const tier = record.tier ? `${record.tier.tier} ${TIER_LABELS[record.tier.tier]}` : '未分级 no tier';
    const when = decision.status === 'due' ? '现在 now' : 'nextAt' in decision ? at(decision.nextAt) : `不推送 none (${decision.reason})`;
    // Due now needs no shift; otherwise the demo clock goes to the latest first-due moment.
    if (decision.status === 'skip' && 'nextAt' in decision) demoNow = Math.max(demoNow, decision.nextAt);
    const days = record.tier ? policy.tiers[record.tier.tier].everyDays : undefined;
    console.log(`      ${names.get(record.contact.externalUserId) ?? record.contact.externalUserId} · ${tier} · ${days === undefined ? '' : `每 ${days} 天 every ${days} days · `}下次推送 next push ${when}`);
  }
  if (records.length < ids.length) console.log(`      (${ids.length - records.length} 位 Fenji 尚未存储 not stored by Fenji yet)`);

  // [2] Plan and create the tasks on the demo clock.
  const demoClock: Clock = { now: () => demoNow };
  console.log(`[2/4] 演示时钟 demo clock → ${at(demoNow)}: 人人到期且在发送窗口内 everyone due, inside the send window (Fenji's own schedule is untouched)`);
  const runId = `demo-followups-${now}`;
  const sends: { jobId: string; data: OutreachSendJobData }[] = [];
  const jobs = { exists: async () => false, send: async (jobId: string, data: OutreachSendJobData) => void sends.push({ jobId, data }), notify: async () => undefined };
  const stats = await planOutreach({ ...followUps, clock: demoClock, jobs, quietHours: policy.quietHours }, runId);
  const reads: OutreachResultJobData[] = [];
  const recordPushes = pushRecorder(followUps.contacts);
  for (const { jobId, data } of sends) {
    const result = await sendOutreach({ ...followUps, clock: demoClock, recordPushes, results: { add: async (_id, read) => void reads.push(read) }, log }, jobId, data);
    const to = data.externalUserIds.map((id) => names.get(id) ?? id).join('、');
    console.log(`      企业群发任务 mass-message task ${result.status === 'sent' ? (result.msgid ?? '?') : result.status}: ${REP} → ${to} (${data.tier} ${TIER_LABELS[data.tier]}): "${policy.tiers[data.tier].text}"`);
  }
  if (sends.length === 0) throw new CliError(`没有可推送的客户 nobody to push to (planner: ${JSON.stringify(stats)})`);

  // [3] The rep confirms each task in the WeCom client.
  for (const read of reads) {
    const { body } = await callControl<{ confirmed: number; notFriends: number; capped: number }>(base, 'POST', 'simulate/confirm-groupmsg', { msgid: read.msgid });
    console.log(`[3/4] 销售确认发送 rep confirmed ${read.msgid} in WeCom: 已发送 sent ${body.confirmed} · 非好友 not friends ${body.notFriends} · 已达上限 capped ${body.capped}`);
  }

  // [4] Fenji reads back who got it (get_groupmsg_send_result), on the real clock.
  const realClock: Clock = { now: () => Date.now() };
  for (const read of reads) await readOutreachResults({ ...followUps, clock: realClock, recordPushes }, read);
  console.log('[4/4] Fenji 记录 recorded (get_groupmsg_send_result → 推送互动 push interaction at send_time):');
  for (const id of sends.flatMap((s) => s.data.externalUserIds)) {
    const record = await followUps.store.get(id);
    const pushed = record?.engagement.pushes.at(-1);
    const tier = record?.tier ? `${record.tier.tier} ${TIER_LABELS[record.tier.tier]}` : '-';
    console.log(`      ${names.get(id) ?? id} · ${tier} · 推送已记录 push recorded at ${pushed === undefined ? '—' : `${at(pushed)} (send_time)`} · 下次推送从此计 next cadence counts from it`);
  }
  console.log('✓ 完成 done — 分级标签和下次推送由 Fenji 的 worker 接着处理 Fenji\'s worker takes it from here');
}

/** "2026-12-05 10:00:00" in the business time zone. */
function formatTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}
