import type { Answer } from './answer.ts';
import { lookupCommand, type BotContext, type CommandRegistry } from './command-registry.ts';
import { COMMAND_IDS, type CommandId } from './command-words.ts';
import { answerInGroup } from './group-answer.ts';
import { MAX_INPUT_CHARS, parseCommand } from './parse-command.ts';
import type { ReportReads } from '../reports/ports.ts';
import type { CustomerOutlook } from './outlook.ts';
import type { BotReads, BotWrites, CommandRate, CustomerFinder, PendingChoices } from './ports.ts';
import { identifyMember, ownScope, scopeFor, type Member } from './roles.ts';
import { argProblem, choiceOutOfRange, comingSoon, notForRole, TEXTS, tooLong, unknownCommand } from './texts.ts';

export interface BotDeps {
  commands: CommandRegistry;
  managers: ReadonlySet<string>;
  reads: BotReads;
  customers: CustomerFinder;
  outlook: CustomerOutlook;
  writes: BotWrites;
  choices: PendingChoices;
  rate: CommandRate;
  /** Commands a member may send per minute; the next one gets TEXTS.flood, later ones nothing. */
  maxPerMinute: number;
  /** The report aggregates (分级's weekly change, 报表); without them those parts are left out. */
  reports?: ReportReads;
  /** For the days a report names (FENJI_TIMEZONE). */
  timeZone?: string;
}

export interface IncomingMessage {
  userId: string;
  /** Unique per message (WeCom's MsgId): the flood count is idempotent by it. */
  messageId: string;
  text: string;
  at: number;
  /**
   * Asked in a group chat (the 智能机器人 @mentioned there): the answer is seen by every
   * member, so it holds nothing from the archive, whoever asks (group-answer.ts).
   */
  inGroup?: boolean;
}

/**
 * One member message in, at most one answer out (null: flooding, say nothing). Order:
 * flood control first (cheapest, and it must hold for strangers too), then the role, then
 * the command. Reads only; the commands that write are idempotent by their own ids.
 */
export async function answerMessage(msg: IncomingMessage, deps: BotDeps): Promise<Answer | null> {
  const position = await deps.rate.position(msg.userId, msg.messageId, msg.at);
  if (position === deps.maxPerMinute + 1) return { text: TEXTS.flood };
  if (position > deps.maxPerMinute + 1) return null;
  // Before the role: what a group is told does not depend on who asked.
  if (msg.inGroup) return answerInGroup(parseCommand(msg.text), deps.commands);

  const member = await identifyMember(msg.userId, { managers: deps.managers, hasCustomers: (u) => deps.reads.hasCustomers(u) });
  if (!member) return { text: TEXTS.refusal };
  const available = COMMAND_IDS.filter((id) => deps.commands[id]?.roles.includes(member.role));
  const ctx = (scope: BotContext['scope']): BotContext => ({
    member, scope, now: msg.at, messageId: msg.messageId, reads: deps.reads, customers: deps.customers, outlook: deps.outlook, writes: deps.writes, available,
    ...(deps.reports ? { reports: deps.reports } : {}), timeZone: deps.timeZone ?? 'Asia/Shanghai',
  });

  const parsed = parseCommand(msg.text);
  switch (parsed.kind) {
    case 'too_long':
      return { text: tooLong(parsed.chars, MAX_INPUT_CHARS) };
    case 'empty':
      return { text: TEXTS.empty };
    case 'unknown':
      return { text: unknownCommand(parsed.word, parsed.suggestions) };
    case 'invalid':
      return { text: argProblem(parsed.command, parsed.problem, member.role) };
    case 'choice':
      return answerChoice(member, parsed.number, deps, ctx);
    case 'command': {
      const { args } = parsed;
      // `客户 3`: the number of a customer in the list just shown (名单 or a choice).
      if (args.command === 'who' && /^\d{1,2}$/.test(args.name) && Number(args.name) >= 1) return answerChoice(member, Number(args.name), deps, ctx, ['who', 'list', 'todo']);
      const command = lookupCommand(deps.commands, args.command);
      if (!command) return { text: comingSoon(args.command) };
      if (!command.roles.includes(member.role)) return { text: notForRole(args.command) };
      const scope = scopeFor(member, 'rep' in args ? args.rep : undefined);
      if (scope === 'forbidden') return { text: TEXTS.forbiddenScope };
      const answer = await command.run(ctx(scope), args as never);
      if (answer.choice) await deps.choices.put(member.userId, answer.choice);
      return answer;
    }
  }
}

/**
 * A bare number (or `客户 n`): option n of the member's own pending list, handed back to the command that
 * showed it, in the member's own scope (a rep's list only ever held the rep's customers,
 * and the command checks again).
 */
async function answerChoice(
  member: Member, n: number, deps: BotDeps, ctx: (scope: BotContext['scope']) => BotContext, only?: readonly CommandId[],
): Promise<Answer> {
  const pending = await deps.choices.get(member.userId);
  // `客户 3` looks a customer up; it never confirms a pending 记录 or 调级.
  if (!pending || (only && !only.includes(pending.command))) return { text: TEXTS.noPendingChoice };
  const option = pending.options[n - 1];
  if (!option) return { text: choiceOutOfRange(pending.options.length) };
  const command = lookupCommand(deps.commands, pending.command);
  if (!command?.choose || !command.roles.includes(member.role)) return { text: TEXTS.noPendingChoice };
  // The list is kept, not cleared: a retried job must answer the same, and picking
  // another number from the same list is fine; a newer list or the TTL replaces it.
  const answer = await command.choose(ctx(ownScope(member)), option.value);
  if (answer.choice) await deps.choices.put(member.userId, answer.choice);
  return answer;
}
