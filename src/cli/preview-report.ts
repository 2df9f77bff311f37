import { localMinuteOf, type LocalDate } from '../domain/followups/local-time.ts';
import { OUTREACH_KIND_LABELS, type OutreachSkipReason } from '../domain/outreach/outreach.ts';
import type { DayPreview, PreviewGroup } from '../domain/outreach/preview.ts';

/** The preview in the words a manager reads (zh-CN), one line per string. */

export const SKIP_LABELS: Record<OutreachSkipReason, string> = {
  customer_left: '客户已删除销售',
  churned: '已流失',
  opted_out: '已退订',
  no_rep: '没有在跟进的销售',
  no_tier: '尚未分级',
  disabled: '已关闭',
  not_today: '不在当天',
  not_yet: '未到发送时间',
  already_sent: '已发送过',
  day_taken: '当天已有其他自动消息（顺延）',
  gave_way: '让位给更优先的消息（顺延到次日）',
  capped: '已达企业微信接收上限',
  quiet_hours: '免打扰时段',
};

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const pad = (n: number) => String(n).padStart(2, '0');
const isoOf = (d: LocalDate) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;
const hhmm = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

function skips(counts: Partial<Record<OutreachSkipReason, number>>): string {
  return (Object.entries(counts) as [OutreachSkipReason, number][]).filter(([, n]) => n > 0).map(([r, n]) => `${SKIP_LABELS[r]} ${n}`).join('，');
}

function officialLine(p: DayPreview): string {
  const weekday = new Date(Date.UTC(p.date.year, p.date.month - 1, p.date.day)).getUTCDay();
  if (p.official?.kind === 'off') return `法定安排：${p.official.name}假期，放假`;
  if (p.official?.kind === 'workday') return `法定安排：调休上班日（${p.official.name}调休）`;
  const plain = weekday === 0 || weekday === 6 ? '周末' : '工作日';
  return p.officialKnown ? `法定安排：${plain}` : `法定安排：${plain}（${p.date.year} 年的放假安排尚未收录，见 config/holidays-overlay.jsonc）`;
}

function groupLines(group: PreviewGroup, limit: number): string[] {
  const shown = group.items.slice(0, limit);
  const head = group.tier === 'A'
    ? `    ${group.rep} · A 类 ${group.items.length} 人 · 个人清单（应用消息发给销售，逐一发送）`
    : `    ${group.rep} · ${group.tier} 类 ${group.items.length} 人 · 企业群发「${group.items[0]!.text}」`;
  const lines = [head];
  for (const item of shown) lines.push(group.tier === 'A' ? `      - ${item.name}（${item.externalUserId}）：${item.text}` : `      - ${item.name}（${item.externalUserId}）`);
  if (group.items.length > shown.length) lines.push(`      … 另有 ${group.items.length - shown.length} 人`);
  return lines;
}

/** The report `npm run preview` prints. `limit`: customers listed per recipient list. */
export function renderPreview(p: DayPreview, { limit, timeZone }: { limit: number; timeZone: string }): string[] {
  const weekday = WEEKDAYS[new Date(Date.UTC(p.date.year, p.date.month - 1, p.date.day)).getUTCDay()];
  const lines = [`Fenji 预览 ${isoOf(p.date)} 星期${weekday}（${timeZone}）· 只预览，不发送任何消息`, officialLine(p)];
  if (p.holidays.length === 0) lines.push('节日：无');
  for (const h of p.holidays) {
    const when = h.enabled ? `${hhmm(localMinuteOf(h.notBefore, timeZone))} 发送问候` : `不发送${h.remembrance ? '（纪念日，默认不问候）' : '（已关闭）'}`;
    lines.push(`节日：${h.name}${h.custom ? '（自定义）' : ''} · ${when}`);
  }
  for (const kind of p.kinds) {
    lines.push('', `【${OUTREACH_KIND_LABELS[kind.kind]}】按 ${hhmm(localMinuteOf(kind.at, timeZone))} 计划`);
    if (kind.occasions.length === 0) lines.push('  当天没有要发的');
    for (const o of kind.occasions) {
      const sent = o.groups.reduce((n, g) => n + g.items.length, 0);
      const late = o.catchUpOf ? `（${isoOf(o.catchUpOf)} 的补发）` : '';
      lines.push(`  ${o.label}${late}：发送 ${sent} 人`);
      for (const group of o.groups) lines.push(...groupLines(group, limit));
      if (skips(o.skipped)) lines.push(`    跳过：${skips(o.skipped)}`);
    }
    if (skips(kind.skipped)) lines.push(`  计划时跳过：${skips(kind.skipped)}`);
  }
  if (!p.guarded) lines.push('', '注：未核对发送记录（是否已发送过、当天是否已有消息、接收上限），实际发送人数可能更少。');
  return lines;
}
