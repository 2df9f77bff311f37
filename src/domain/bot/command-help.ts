import type { CommandId } from './command-words.ts';
import type { Role } from './roles.ts';

/** What each command does and one example, as 帮助 and argument hints show them (zh-CN). */
export const COMMAND_HELP: Readonly<Record<CommandId, { what: string; example: string; managerExample?: string }>> = {
  help: { what: '看看我能帮你做什么', example: '帮助' },
  tiers: { what: '各等级（A/B/C/D）各有多少位客户', example: '分级', managerExample: '分级 zhangwei' },
  list: { what: '某个等级的客户名单，最该跟进的排在前面', example: '名单 B 10', managerExample: '名单 B zhangwei 10' },
  who: { what: '一位客户的等级和原因、下次跟进和问候', example: '客户 张三' },
  todo: { what: '今天该跟进、该问候的客户，以及已经逾期的', example: '跟进' },
  log: { what: '记下一次线下沟通，会计入客户分级', example: '记录 张三 电话沟通，下周报价' },
  set: { what: '手动调整客户等级，写明原因，可加截止日期', example: '调级 张三 A 已签合同 至 2027-03-31' },
  report: { what: '分级报表：各销售、地区、产品的客户分布', example: '报表' },
  export: { what: '把报表导出成 Excel 文件', example: '报表 导出' },
};

/** The example a member of `role` is shown (managers see how to name a colleague). */
export function exampleFor(id: CommandId, role: Role): string {
  const help = COMMAND_HELP[id];
  return role === 'manager' && help.managerExample ? help.managerExample : help.example;
}
