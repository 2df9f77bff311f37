import { formatDay } from '../tiers/format-day.ts';
import { TIERS } from '../tiers/policy.ts';
import { QUADRANT_LABELS, type Quadrant } from '../value/value-score.ts';
import { totalOf, type CorpReport, type RepReport } from './build-report.ts';
import type { ShareRow, TierChange, TierCounts, TierMove } from './ports.ts';

/** Rows a chat answer lists per table; the export (报表 导出) has them all. */
const TOP_ROWS = 10;

const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `${n}` : '±0');
const yuan = (n: number): string => `${n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;
const percent = (part: number, whole: number): string => (whole === 0 ? '0%' : `${Math.round((part / whole) * 1000) / 10}%`);

/** `A 类 12 位（+3）`: the counts with the change since the week began (or since counting began). */
export function tierLines(counts: TierCounts, change: TierChange | null): string[] {
  return TIERS.map((t) => `${t} 类：${counts[t]} 位${change ? `（${signed(change.delta[t])}）` : ''}`);
}

export function changeNote(change: TierChange, at: number, timeZone: string): string {
  const weekAgo = at - 7 * 86_400_000;
  return change.since <= weekAgo + 3_600_000
    ? '括号里是与 7 天前相比的变化。'
    : `括号里是自 ${formatDay(change.since, timeZone)} 开始统计以来的变化（还不满 7 天）。`;
}

function moveLines(moves: readonly TierMove[]): string[] {
  const real = moves.filter((m) => m.from !== null);
  const first = moves.filter((m) => m.from === null).reduce((s, m) => s + m.count, 0);
  const lines = real.slice(0, TOP_ROWS).map((m) => `${m.from} → ${m.to}：${m.count} 位`);
  if (first > 0) lines.push(`首次分级：${first} 位`);
  return lines.length > 0 ? lines : ['本周没有客户调整等级。'];
}

function shareLines(rows: readonly ShareRow[]): string[] {
  const total = rows.reduce((s, r) => s + r.amount, 0);
  const lines = rows.slice(0, TOP_ROWS).map((r) => `${r.label}：${r.orders} 单，${yuan(r.amount)}（${percent(r.amount, total)}）`);
  if (rows.length > TOP_ROWS) lines.push(`……另有 ${rows.length - TOP_ROWS} 项，见「报表 导出」`);
  return lines.length > 0 ? lines : ['还没有订单。'];
}

export function corpReportText(r: CorpReport, timeZone: string): string {
  const out: string[] = [`【Fenji 报表】${formatDay(r.at, timeZone)}`, '', `一、客户分级（共 ${totalOf(r.table.corp)} 位）`, ...tierLines(r.table.corp, r.change), changeNote(r.change, r.at, timeZone)];
  const reps = [...r.table.reps].sort((a, b) => b.counts.A + b.counts.B - (a.counts.A + a.counts.B) || (a.rep < b.rep ? -1 : 1));
  out.push('', `二、各销售的分级（按 A+B 从多到少，共 ${reps.length} 位）`);
  for (const { rep, counts } of reps.slice(0, TOP_ROWS)) out.push(`${rep}：${TIERS.map((t) => `${t} ${counts[t]}`).join('，')}`);
  if (reps.length > TOP_ROWS) out.push(`……另有 ${reps.length - TOP_ROWS} 位，见「报表 导出」`);
  out.push('', '三、本周等级变动', ...moveLines(r.moves));
  out.push('', '四、地区分布（按订单金额）', ...shareLines(r.regions));
  out.push('', '五、产品分布（按订单金额）', ...shareLines(r.products));
  out.push('', '六、价值象限');
  if (r.value) {
    const q = r.value.quadrants;
    out.push((Object.keys(QUADRANT_LABELS) as Quadrant[]).map((k) => `${QUADRANT_LABELS[k]} ${q[k]} 位`).join('，'));
    out.push(`（价值评估于 ${formatDay(r.value.at, timeZone)}，有购买的客户 ${r.value.buyers} 位）`);
  } else out.push('价值评估还没有运行过。');
  out.push('', '七、二八分析');
  if (r.pareto.buyers > 0) {
    out.push(`前 20% 的客户（${r.pareto.top} / ${r.pareto.buyers} 位）贡献了 ${percent(r.pareto.topAmount, r.pareto.totalAmount)} 的成交额（${yuan(r.pareto.topAmount)} / ${yuan(r.pareto.totalAmount)}）。`);
  } else out.push('还没有订单。');
  out.push('', '八、A/B 类客户在销售间的分布');
  const b = r.balance;
  if (!b) out.push('还没有销售名下有客户。');
  else {
    out.push(`平均每位销售 ${Math.round(b.mean * 10) / 10} 位；最多 ${b.most.rep} ${b.most.load} 位，最少 ${b.least.rep} ${b.least.load} 位；离散系数 ${Math.round(b.spread * 100) / 100}（0 表示完全均衡）。`);
    if (b.handovers.length === 0) out.push('分布已经比较均衡，不需要调整。');
    else {
      out.push('建议（把负担最重的同事的 A/B 客户交给最轻的，直到双方接近平均）：');
      for (const h of b.handovers) out.push(`· ${h.from} 交给 ${h.to} ${h.count} 位`);
    }
  }
  return out.join('\n');
}

export function repReportText(r: RepReport, timeZone: string): string {
  return [
    `【我的报表】${formatDay(r.at, timeZone)}`,
    `你名下的客户（共 ${totalOf(r.counts)} 位）：`,
    ...tierLines(r.counts, r.change),
    changeNote(r.change, r.at, timeZone),
    '',
    '本周等级变动：',
    ...moveLines(r.moves),
    '',
    '全公司的报表只对管理员开放。',
  ].join('\n');
}
