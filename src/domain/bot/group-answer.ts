import type { Answer } from './answer.ts';
import { COMMAND_HELP } from './command-help.ts';
import type { CommandRegistry } from './command-registry.ts';
import { commandWord, COMMAND_IDS } from './command-words.ts';
import { MAX_INPUT_CHARS, type ParsedInput } from './parse-command.ts';
import { tooLong, unknownCommand } from './texts.ts';

/**
 * A group chat's answer (issue 9: "a group answer shows only what every member of that
 * group may see"). Fenji does not learn who is in a 智能机器人's group (docs/wecom/aibot.md,
 * 'Groups'), so it assumes someone there may see no customer at all: it answers what such
 * a member may see (帮助, hints about the words typed) and nothing drawn from the archive,
 * whoever asks, a manager included. Everything else is refused politely, pointing to a
 * 1:1 chat with the bot.
 */
export function answerInGroup(parsed: ParsedInput, commands: CommandRegistry): Answer {
  switch (parsed.kind) {
    case 'too_long':
      return { text: tooLong(parsed.chars, MAX_INPUT_CHARS) };
    case 'empty':
      return { text: groupHelp(commands) };
    case 'unknown':
      return { text: unknownCommand(parsed.word, parsed.suggestions) };
    case 'command':
      if (parsed.args.command === 'help') return { text: groupHelp(commands) };
      return { text: GROUP_TEXTS.privateOnly };
    case 'invalid':
    case 'choice':
      return { text: GROUP_TEXTS.privateOnly };
  }
}

export const GROUP_TEXTS = {
  privateOnly: '群里的每位同事都能看到我的回答，所以客户信息我只在单聊里说。请点开我的头像，在与我的单聊里发送同样的指令。',
} as const;

/** 帮助 for a group: the commands there are, each with its example, and where they work (1:1). */
function groupHelp(commands: CommandRegistry): string {
  const lines = ['你好，我是分级助手 Fenji。', '在群里我只回答「帮助」；查询客户请在与我的单聊里发送这些指令：'];
  for (const id of COMMAND_IDS) {
    if (id === 'help' || !commands[id]) continue;
    const word = commandWord(id);
    lines.push(`· ${word.word}（${word.alias}）：${COMMAND_HELP[id].what}，例：${COMMAND_HELP[id].example}`);
  }
  lines.push('销售同事只能查到自己名下的客户，管理员可以查看全公司。');
  return lines.join('\n');
}
