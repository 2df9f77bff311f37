import type { Answer } from './answer.ts';
import type { CommandId } from './command-words.ts';
import type { CommandArgs } from './parse-args.ts';
import type { ReportReads } from '../reports/ports.ts';
import type { CustomerOutlook } from './outlook.ts';
import type { BotReads, BotWrites, CustomerFinder } from './ports.ts';
import type { Member, Role, Scope } from './roles.ts';

/** What a command handler gets: who asks, whose customers it may read, and the reads. */
export interface BotContext {
  member: Member;
  /** Decided before the handler runs (roles.ts scopeFor); a handler reads within it, never by a userid of its own. */
  scope: Scope;
  now: number;
  /** WeCom's MsgId of the member's message: what a writing command is idempotent by. */
  messageId: string;
  reads: BotReads;
  customers: CustomerFinder;
  outlook: CustomerOutlook;
  writes: BotWrites;
  /** The commands the member may run (帮助 lists them). */
  available: readonly CommandId[];
  /** Aggregates kept with every tier write (adapters/redis/tier-aggregates.ts); absent in a bot without them. */
  reports?: ReportReads;
  timeZone: string;
}

/** One command: who may run it and what it answers. A data command is one such file under commands/. */
export interface BotCommand<C extends CommandId = CommandId> {
  id: C;
  roles: readonly Role[];
  run(ctx: BotContext, args: Extract<CommandArgs, { command: C }>): Promise<Answer>;
  /** The member picked option `value` from the numbered list this command answered with. */
  choose?(ctx: BotContext, value: string): Promise<Answer>;
}

export type CommandRegistry = { readonly [C in CommandId]?: BotCommand<C> };

/** Any one command, each typed by its own id. */
export type AnyBotCommand = { [C in CommandId]: BotCommand<C> }[CommandId];

/** Builds a registry from a list (one entry per id). */
export function commandRegistry(commands: readonly AnyBotCommand[]): CommandRegistry {
  const out: Partial<Record<CommandId, AnyBotCommand>> = {};
  for (const c of commands) {
    if (out[c.id]) throw new Error(`bot command ${c.id} registered twice`);
    out[c.id] = c;
  }
  return out as CommandRegistry;
}

/** The registered command of an id, typed loosely for dispatch (its args were parsed for that id). */
export function lookupCommand(registry: CommandRegistry, id: CommandId): BotCommand | undefined {
  return registry[id] as BotCommand | undefined;
}
