import { commandRegistry, type CommandRegistry } from '../command-registry.ts';
import { exportCommand } from './export.ts';
import { helpCommand } from './help.ts';
import { listCommand } from './list.ts';
import { logCommand } from './log.ts';
import { setCommand } from './set.ts';
import { reportCommand } from './report.ts';
import { tiersCommand } from './tiers.ts';
import { todoCommand } from './todo.ts';
import { whoCommand } from './who.ts';

export interface BotCommandOptions {
  /** Whether reps may 调级 their own customers (FENJI_BOT_REPS_MAY_SET); managers always may. */
  repsMaySet: boolean;
}

/** The commands the bot runs: a new command is a file beside this one and a line here. */
export function botCommands(options: BotCommandOptions): CommandRegistry {
  return commandRegistry([helpCommand, tiersCommand, listCommand, whoCommand, todoCommand, logCommand, setCommand(options), reportCommand, exportCommand]);
}

/** With the defaults (reps may not 调级). */
export const BOT_COMMANDS = botCommands({ repsMaySet: false });
