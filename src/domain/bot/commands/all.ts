import { commandRegistry } from '../command-registry.ts';
import { helpCommand } from './help.ts';
import { reportCommand } from './report.ts';
import { tiersCommand } from './tiers.ts';

/** The commands the bot runs: a new command is a file beside this one and a line here. */
export const BOT_COMMANDS = commandRegistry([helpCommand, tiersCommand, reportCommand]);
