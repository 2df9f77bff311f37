import { COMMAND_HELP, exampleFor } from '../command-help.ts';
import type { BotCommand } from '../command-registry.ts';
import { commandWord, COMMAND_IDS } from '../command-words.ts';

/**
 * 帮助: what this member can ask, for their role, one example each. Lists only the
 * commands that are built and allowed to the member (ctx.available), so every example works.
 */
export const helpCommand: BotCommand<'help'> = {
  id: 'help',
  roles: ['manager', 'rep'],
  run(ctx) {
    const { role } = ctx.member;
    const intro = role === 'manager'
      ? '你好，我是分级助手 Fenji。你是管理员，可以查看全公司的客户。'
      : '你好，我是分级助手 Fenji。你可以查看自己名下的客户。';
    const lines = [intro, '可以这样问我（中文指令或 / 开头的英文指令都行）：'];
    for (const id of ctx.available) {
      if (id === 'help') continue;
      const word = commandWord(id);
      lines.push(`· ${word.word}（${word.alias}）：${COMMAND_HELP[id].what}`, `  例：${exampleFor(id, role)}`);
    }
    if (role === 'manager' && ctx.available.some((id) => COMMAND_HELP[id].managerExample)) {
      lines.push('想看某位同事的客户，在指令后加上 TA 的企业微信账号（userid）。');
    }
    const soon = COMMAND_IDS.filter((id) => id !== 'export' && !ctx.available.includes(id) && (role === 'manager' || (id !== 'report' && id !== 'set')));
    if (soon.length > 0) lines.push(`即将上线：${soon.map((id) => commandWord(id).word).join('、')}。`);
    return Promise.resolve({ text: lines.join('\n') });
  },
};
