/**
 * The bot's commands as members type them (issue 9): a Chinese word, a slash alias, and
 * words people try instead, which are never run but suggested from. Order = the order
 * 帮助 lists them in.
 */
export const COMMAND_IDS = ['help', 'tiers', 'list', 'who', 'todo', 'log', 'set', 'report', 'export'] as const;
export type CommandId = (typeof COMMAND_IDS)[number];

export interface CommandWord {
  id: CommandId;
  /** What members type: `帮助`. */
  word: string;
  /** `/help`; also accepted without the slash. */
  alias: string;
  /** Words that mean the same to a member; an unknown word equal to one gets this command suggested. */
  synonyms: readonly string[];
}

export const COMMAND_WORDS: readonly CommandWord[] = [
  { id: 'help', word: '帮助', alias: '/help', synonyms: ['帮忙', '菜单', '指令', '命令', '功能', '说明', '你好', '您好', '在吗', '?', 'hi', 'hello', 'menu'] },
  { id: 'tiers', word: '分级', alias: '/tiers', synonyms: ['等级', '级别', '分层', '分布', '概况', 'tier'] },
  { id: 'list', word: '名单', alias: '/list', synonyms: ['列表', '清单', '客户名单', 'ls'] },
  { id: 'who', word: '客户', alias: '/who', synonyms: ['查询', '查找', '搜索', '查', '找', '客户详情', 'find'] },
  { id: 'todo', word: '跟进', alias: '/todo', synonyms: ['待办', '今日', '今天', '任务', '提醒', '回访'] },
  { id: 'log', word: '记录', alias: '/log', synonyms: ['备注', '登记', '拜访', '沟通', 'note'] },
  { id: 'set', word: '调级', alias: '/set', synonyms: ['改级', '升级', '降级', '定级', '设置等级'] },
  { id: 'report', word: '报表', alias: '/report', synonyms: ['统计', '报告', '数据', '周报', '汇总'] },
  { id: 'export', word: '报表 导出', alias: '/export', synonyms: ['导出', '下载', 'excel', 'xlsx'] },
];

/** The catalogue entry of a command. */
export function commandWord(id: CommandId): CommandWord {
  return COMMAND_WORDS.find((c) => c.id === id)!;
}
