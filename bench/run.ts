import { optionHelp } from './lib/args.ts';
import { bot, BOT_OPTIONS } from './bot.ts';
import { campaign, CAMPAIGN_OPTIONS } from './campaign.ts';
import { ingress, INGRESS_OPTIONS } from './ingress.ts';
import { spool, SPOOL_OPTIONS } from './spool.ts';
import { tiers, TIERS_OPTIONS } from './tiers.ts';
import { value, VALUE_OPTIONS } from './value.ts';
import { welcome, WELCOME_OPTIONS } from './welcome.ts';

/**
 * `npm run bench -- <scenario> [--option=N ...]`. Each scenario prints a human-readable
 * table and, as its last line, one JSON object with every number.
 */
const SCENARIOS: Record<string, { about: string; options: string; run: (argv: string[]) => Promise<number> }> = {
  campaign: {
    about: 'A 国庆 greeting planned for 1M customers across 1,000 reps vs a raw pass over the same records, Redis memory added, then add_msg_template sends against the sandbox quota',
    options: optionHelp(CAMPAIGN_OPTIONS),
    run: campaign,
  },
  bot: {
    about: 'Bot command → reply sent (p50/p99/max) for 分级, 名单, 客户, 报表 over 100k contacts and 1,000 reps, for a manager and reps, sequential and concurrent, vs a raw Redis round trip',
    options: optionHelp(BOT_OPTIONS),
    run: bot,
  },
  ingress: {
    about: 'WeCom callback ingress (verify+decrypt+parse+dedupe+enqueue) vs bare node:http, plus the crypto path alone',
    options: optionHelp(INGRESS_OPTIONS),
    run: ingress,
  },
  spool: {
    about: 'Spool recovery: replaying N spooled callbacks into Redis vs the old one-by-one replay and raw pipelined SETs',
    options: optionHelp(SPOOL_OPTIONS),
    run: spool,
  },
  tiers: {
    about: 'Tier recompute of 1M synthetic contacts, due-only re-evaluation and Redis bytes per contact vs raw pipelined Redis',
    options: optionHelp(TIERS_OPTIONS),
    run: tiers,
  },
  value: {
    about: 'Value scoring job over 1M synthetic contacts: first run, steady nightly run, process memory, vs one raw pipelined MGET pass',
    options: optionHelp(VALUE_OPTIONS),
    run: value,
  },
  welcome: {
    about: 'Add → welcome message latency (p50/p95/max) over N adds through the sandbox, alone and under a running campaign (follow-up sends + tier tags), and their ratio',
    options: optionHelp(WELCOME_OPTIONS),
    run: welcome,
  },
};

function usage(): string {
  const lines = ['usage: npm run bench -- <scenario> [--option=N ...]', '', 'scenarios:'];
  for (const [name, s] of Object.entries(SCENARIOS)) lines.push(`  ${name}  ${s.about}`, s.options.replace(/^/gm, '  '));
  return lines.join('\n');
}

const [name, ...rest] = process.argv.slice(2);
const scenario = name === undefined ? undefined : SCENARIOS[name];
if (!scenario) {
  console.error(name && name !== '--help' && name !== '-h' ? `unknown scenario "${name}"\n\n${usage()}` : usage());
  process.exit(name === '--help' || name === '-h' ? 0 : 2);
}
try {
  process.exitCode = await scenario.run(rest);
} catch (err) {
  console.error(`bench ${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
}
