import { echo } from './answer.ts';
import { COMMAND_HELP, exampleFor } from './command-help.ts';
import { commandWord, type CommandId } from './command-words.ts';
import type { ArgProblem } from './parse-args.ts';
import type { Role } from './roles.ts';

/** Every fixed sentence the bot says (zh-CN), in one place so the tone stays one voice. */
export const TEXTS = {
  refusal: '你好！抱歉，我暂时不能为你查询：分级助手 Fenji 只为名下有客户的销售同事和管理员服务。如果你需要开通，请联系公司的 Fenji 管理员。',
  forbiddenScope: '你只能查看自己名下的客户哦。发送「帮助」看看可以怎么问。',
  flood: '你发得有点快，我先歇一口气：请一分钟后再发。这一分钟里多出来的消息我就先不回复了。',
  noPendingChoice: '现在没有等你选择的列表（列表几分钟后就会失效）。请重新发送指令。',
  empty: '你好！发送「帮助」看看我能帮你做什么。',
  exportTooLarge: '抱歉，这份报表太大，超过了企业微信 20 MB 的文件上限，没法在这里发送。请联系 Fenji 管理员在服务器上运行 npm run report -- --xlsx 导出。',
} as const;

export function tooLong(chars: number, max: number): string {
  return `这条消息有点长（${chars} 字），我只读 ${max} 字以内的指令。发送「帮助」看看指令怎么写。`;
}

export function unknownCommand(word: string, suggestions: readonly CommandId[]): string {
  if (suggestions.length === 0) return `我没看懂「${echo(word)}」。发送「帮助」看看我能帮你做什么。`;
  const names = suggestions.map((id) => `「${commandWord(id).word}」`).join('或');
  return `没有「${echo(word)}」这个指令，你是不是想用${names}？例如：${COMMAND_HELP[suggestions[0]!].example}\n发送「帮助」可以看到全部指令。`;
}

export function notForRole(id: CommandId): string {
  return `「${commandWord(id).word}」只对管理员开放。发送「帮助」看看你可以用哪些指令。`;
}

export function comingSoon(id: CommandId): string {
  return `「${commandWord(id).word}」还在准备中，很快就能用。现在可以发送「帮助」看看已经能用的指令。`;
}

/** The text before the workbook of 报表 导出. */
export function exportReady(filename: string): string {
  return `报表已导出为 Excel 文件「${filename}」，马上发给你。报表的每一部分是一张表，列出全部数据（聊天里的报表只列前几名）。`;
}

export function choiceOutOfRange(count: number): string {
  return `请回复 1 到 ${count} 之间的数字。`;
}

const PROBLEMS: Readonly<Record<ArgProblem, string>> = {
  tier_missing: '请写上等级：A、B、C 或 D。',
  name_missing: '请写上客户的名字。',
  note_missing: '请写上这次沟通的内容。',
  reason_missing: '请写明调级的原因。',
  date_invalid: '截止日期请写成 2027-03-31 这样的格式，并且是真实存在的日期。',
  limit_invalid: '数量请写 1 到 50 之间的数字。',
  rep_invalid: '要看某位同事的客户，请写 TA 的企业微信账号（userid）。',
};

export function argProblem(id: CommandId, problem: ArgProblem, role: Role): string {
  return `${PROBLEMS[problem]}例如：${exampleFor(id, role)}`;
}
