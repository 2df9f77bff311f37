import path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, quietBullMqEvictionWarnings } from './adapters/redis/connections.ts';
import { RedisTierTagLock } from './adapters/redis/tier-tag-lock.ts';
import { RedisKeys } from './adapters/redis/keys.ts';
import { RedisKfSyncState } from './adapters/redis/kf-sync-state.ts';
import { RedisTierBatches } from './adapters/redis/contact-store/tier-batches.ts';
import { RedisValueBatches } from './adapters/redis/contact-store/value-batches.ts';
import { RedisTierAggregates } from './adapters/redis/tier-aggregates.ts';
import { RedisContactStore } from './adapters/redis/redis-contact-store.ts';
import { RedisFollowUpIndex } from './adapters/redis/follow-up-index.ts';
import { RedisDryRunLog } from './adapters/redis/dry-run-log.ts';
import { RedisLegacyFollowUpClaims } from './adapters/redis/legacy-follow-up-claims.ts';
import { RedisOutreachLedger } from './adapters/redis/outreach-ledger.ts';
import { RedisOutreachPasses } from './adapters/redis/outreach-passes.ts';
import { RedisSyncSeen } from './adapters/redis/sync-seen.ts';
import { WeComClient } from './adapters/wecom-api/client.ts';
import { WeComContactDirectory } from './adapters/wecom-api/contact-directory.ts';
import { HttpWeComApi } from './adapters/wecom-api/endpoints.ts';
import type { WeComApi } from './wecom/api.ts';
import { WeComTierTagCatalog } from './adapters/wecom-api/tier-tags.ts';
import type { Config } from './config/load-config.ts';
import { loadOccasions, type Occasions } from './config/load-occasions.ts';
import { loadPolicies, type Policies } from './config/load-tier-policy.ts';
import type { ContactChangeDeps } from './domain/contacts/apply-contact-change.ts';
import type { OptOutsListener, TierChangesListener } from './domain/ports.ts';
import { CallbackIntake } from './ingress/callback-intake.ts';
import { Spool } from './ingress/spool.ts';
import type { ContactSyncDeps } from './jobs/contacts-sync/deps.ts';
import { FollowUpPlanner } from './domain/outreach/planners/follow-up.ts';
import type { OutreachPlanner } from './domain/outreach/outreach.ts';
import { greetingPlanners } from './adapters/redis/greeting-planners.ts';
import { groupMsgLimiter } from './jobs/outreach/limiter.ts';
import type { OutreachJobDeps } from './jobs/outreach/worker.ts';
import { KF_SYNC_JOB_NAME, KF_SYNC_JOB_OPTIONS } from './jobs/kf/job.ts';
import { BOT_COMMAND_JOB_NAME, BOT_COMMAND_JOB_OPTIONS } from './jobs/bot/job.ts';
import { AIBOT_COMMAND_JOB_NAME, AIBOT_COMMAND_JOB_OPTIONS, type AibotCommandJobData } from './jobs/bot/aibot-job.ts';
import { AibotResponder } from './adapters/wecom-api/aibot-responder.ts';
import { botCommands } from './domain/bot/commands/all.ts';
import { plannerOutlook } from './domain/bot/outlook.ts';
import { RedisCustomerFinder } from './adapters/redis/customer-finder.ts';
import { botWrites } from './jobs/bot/bot-writes.ts';
import { RedisBotOutbox, RedisCommandRate, RedisPendingChoices } from './adapters/redis/bot-state.ts';
import { optOutNoticeEnqueuer } from './jobs/opt-out-notice/enqueue-opt-out-notices.ts';
import { createRegisteredWorkers } from './jobs/queue-worker.ts';
import type { CallbackJobData } from './jobs/callbacks/job.ts';
import { createQueues, type Queues } from './jobs/queues.ts';
import { applyQueuePolicy } from './jobs/registry.ts';
import { tierTagEnqueuer } from './jobs/tier-tags/enqueue-tier-tags.ts';
import type { ValueJobDeps } from './jobs/value/score-all-values.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { offsetClock, type Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';

/** Composition root: builds what each role needs from the config, and closes it in order. */
export interface Container {
  config: Config;
  log: Logger;
  clock: Clock;
  keys: RedisKeys;
  metrics: Metrics;
  producer: Redis;
  queues: Queues;
  intake: CallbackIntake;
  policies: Policies;
  /** config/occasions.jsonc (FENJI_OCCASIONS_FILE) and the official days: greetings, care steps, welcome texts. */
  occasions: Occasions;
  store: RedisContactStore;
  wecom: WeComApi;
  /** What relation events and interactions are turned into facts with (hooks optional). */
  contacts: ContactChangeDeps;
  /** The tier tag group in WeCom (客户分级) and its tag ids. */
  tierTags: WeComTierTagCatalog;
  /** Every stored tier change goes here: it queues the tier.tag job mirroring it in WeCom. */
  onTierChanges: TierChangesListener;
  /** Every opt-out a customer's message makes goes here: it queues the optout.notice job telling their reps. */
  onOptOuts: OptOutsListener;
  /** What contacts.sync jobs (initial sync, nightly reconciliation) run with (a job's logger is added per job). */
  contactSync: Omit<ContactSyncDeps, 'log'>;
  /** What value.score-all jobs (nightly, npm run value) score with. */
  valueScoring: ValueJobDeps;
  /** What the outreach jobs plan (every kind's planner), guard, send and record with. */
  outreach: OutreachJobDeps;
  /** What dry runs recorded (FENJI_DRY_RUN=1; null otherwise). */
  dryRunLog: RedisDryRunLog | null;
  /** Queues a bot.aibot job (the /wecom/aibot route's one step after opening a message). */
  enqueueAibotCommand(data: AibotCommandJobData, jobId: string): Promise<void>;
  startWorkers(): Worker[];
  close(): Promise<void>;
}

/** @throws ConfigError when the tier rules (FENJI_TIERS_FILE) or the occasions (FENJI_OCCASIONS_FILE) are unreadable or wrong. */
export function createContainer(config: Config, log: Logger, clock: Clock = offsetClock(config.clockOffsetMs)): Container {
  // First, before any connection exists: a bad rules file stops start-up cleanly.
  const policies = loadPolicies(config.tiersFile);
  const occasions = loadOccasions(config.occasionsFile);
  const keys = new RedisKeys(config.redis.keyPrefix);
  const metrics = createMetrics();
  // Before any queue opens a connection: Fenji warns about the eviction policy itself, once.
  quietBullMqEvictionWarnings();
  const producer = createRedis(config.redis.url, 'producer', log);
  const prefix = config.redis.keyPrefix;
  const queues = createQueues(producer, prefix);
  for (const queue of Object.values(queues)) {
    queue.on('error', (err) => log.debug({ queue: queue.name, err: { message: err.message } }, 'queue error'));
  }
  const spool = new Spool<CallbackJobData>(path.join(config.dataDir, 'spool'));
  const intake = new CallbackIntake({
    queue: queues.callbacks, welcome: queues.welcome, redis: producer, keys, spool, log: log.child({ component: 'intake' }), callbackMaxAgeSeconds: config.callback.maxAgeSeconds,
  });
  const store = new RedisContactStore({ redis: producer, keys });
  const { apiBase, corpId, agentId, secret } = config.wecom;
  const wecom = new HttpWeComApi(new WeComClient({ apiBase, corpId, agentId, secret, redis: producer, keys, clock, log: log.child({ component: 'wecom-api' }) }));
  const tierTags = new WeComTierTagCatalog({ api: wecom, redis: producer, keys, policy: policies.tiers, log: log.child({ component: 'tier-tags' }) });
  const onTierChanges = tierTagEnqueuer(queues.wecomOutbound);
  const onOptOuts = optOutNoticeEnqueuer(queues.wecomOutbound);
  const contacts: ContactChangeDeps = {
    store,
    directory: new WeComContactDirectory(wecom, clock),
    policy: policies.tiers,
    timeZone: config.timezone,
    catalog: tierTags,
    onTierChanges,
    onOptOuts,
  };
  const contactSync = { api: wecom, contacts, seen: new RedisSyncSeen(producer, keys), clock };
  const valueScoring: ValueJobDeps = { batches: new RedisValueBatches({ redis: producer, keys }), policy: policies.value, clock };
  const followUpIndex = new RedisFollowUpIndex({ redis: producer, keys });
  const legacyClaims = new RedisLegacyFollowUpClaims({ redis: producer, keys, clock });
  const { dryRun, groupMsgRule } = config.outreach;
  // A dry run marks a ledger of its own, so turning it off later sends normally.
  const ledgerKeys = dryRun ? new RedisKeys(`${config.redis.keyPrefix}:dry`) : keys;
  const dryRunLog = dryRun ? new RedisDryRunLog({ redis: producer, keys, log: log.child({ component: 'outreach' }) }) : null;
  // Every kind of automated message, one planner each (any order: the pipeline runs them by priority).
  const planners: OutreachPlanner[] = [
    new FollowUpPlanner({ index: followUpIndex, store, legacy: legacyClaims, policy: policies.followUps, timeZone: config.timezone }),
    ...greetingPlanners({ redis: producer, keys, store, occasions: occasions.occasions, timeZone: config.timezone }),
  ];
  const outreach: OutreachJobDeps = {
    planners,
    // Indexes a planner reads, built once for contacts stored before they existed.
    prepare: async () => {
      const indexed = await followUpIndex.backfillOnce();
      for (const planner of planners) await planner.prepare?.();
      return indexed;
    },
    store,
    ledger: new RedisOutreachLedger({ redis: producer, keys: ledgerKeys, timeZone: config.timezone, rule: groupMsgRule, clock }),
    passes: new RedisOutreachPasses({ redis: producer, keys: ledgerKeys }),
    api: wecom,
    contacts,
    policy: policies.followUps,
    timeZone: config.timezone,
    clock,
    ...(dryRunLog ? { dryRun: dryRunLog } : {}),
  };

  // The bot's own greeting planners: it asks them about days ahead, which must not move the plan job's day memos.
  const botOutlook = plannerOutlook({
    followUps: policies.followUps,
    greetings: greetingPlanners({ redis: producer, keys, store, occasions: occasions.occasions, timeZone: config.timezone }),
    occasions: occasions.occasions,
    timeZone: config.timezone,
  });
  const customerFinder = new RedisCustomerFinder({ redis: producer, keys, store });

  const closers: (() => Promise<unknown>)[] = [];
  let workerRedis: Redis | undefined;

  return {
    config, log, clock, keys, metrics, producer, queues, intake, policies, occasions, store, wecom, contacts, tierTags, onTierChanges, onOptOuts, contactSync, valueScoring, outreach, dryRunLog,
    async enqueueAibotCommand(data, jobId) {
      await queues.bot.add(AIBOT_COMMAND_JOB_NAME, data, { ...AIBOT_COMMAND_JOB_OPTIONS, jobId });
    },
    startWorkers() {
      const connection = createRedis(config.redis.url, 'worker', log);
      workerRedis = connection;
      // Global concurrency is in Redis: set before this process fetches a job.
      for (const queue of Object.values(queues)) applyQueuePolicy(queue).catch((err: unknown) => log.warn({ err, queue: queue.name }, 'queue policy not set'));
      const workers = createRegisteredWorkers({
        callbacks: {
          contacts,
          clock,
          metrics,
          enqueueKfSync: async (data, jobId) => {
            await queues.kf.add(KF_SYNC_JOB_NAME, data, { ...KF_SYNC_JOB_OPTIONS, jobId });
          },
          onCorpTagsChanged: () => tierTags.onCorpTagsChanged(),
          enqueueBotCommand: async (data, jobId) => {
            await queues.bot.add(BOT_COMMAND_JOB_NAME, data, { ...BOT_COMMAND_JOB_OPTIONS, jobId });
          },
        },
        kf: { api: wecom, state: new RedisKfSyncState(producer, keys), contacts, clock },
        heartbeat: { beat: async (at) => void await connection.set(keys.heartbeat(), String(at)) },
        tiers: {
          tiers: { batches: new RedisTierBatches({ redis: producer, keys }), store, policy: policies.tiers, timeZone: config.timezone, clock, onChanges: onTierChanges },
          mirror: { store, catalog: tierTags, api: wecom, lock: new RedisTierTagLock({ redis: producer, keys }) },
          tagRepair: { records: (ids) => store.getMany(ids), enqueue: onTierChanges },
          outboundQueue: queues.wecomOutbound,
        },
        contactSync,
        value: valueScoring,
        outreach: { queue: queues.outreach, sendQueue: queues.outreachSends, outreach, legacy: { ledger: legacyClaims.asLedger(), called: (jobId) => legacyClaims.called(jobId) } },
        welcome: { api: wecom, texts: occasions.occasions.welcome, clock, metrics },
        bot: {
          bot: {
            commands: botCommands({ repsMaySet: config.bot.repsMaySet }),
            managers: new Set(config.bot.managers),
            reads: store,
            customers: customerFinder,
            outlook: botOutlook,
            writes: botWrites(contacts, clock),
            choices: new RedisPendingChoices(producer, keys),
            rate: new RedisCommandRate(producer, keys),
            maxPerMinute: config.bot.commandsPerMinute,
            reports: new RedisTierAggregates({ redis: producer, keys }),
            timeZone: config.timezone,
          },
          send: { outbox: new RedisBotOutbox(producer, keys), api: wecom, clock },
          aibot: {
            outbox: new RedisBotOutbox(producer, keys),
            responder: new AibotResponder({ apiBase, log: log.child({ component: 'aibot-responder' }) }),
            api: wecom,
          },
          files: { api: wecom, timeZone: config.timezone },
        },
        optOutNotice: { store, api: wecom },
      }, {
        connection, prefix, concurrency: config.worker.concurrency, log: log.child({ component: 'worker' }),
        limiters: { [queues.outreachSends.name as 'outreach-sends']: groupMsgLimiter(config.outreach.groupMsgPerMinute) },
      });
      // Contacts stored before the name index existed (once; later writes file themselves).
      customerFinder.backfillOnce().catch((err: unknown) => log.warn({ err }, 'name index backfill failed: old contacts are not found by name until it runs again'));
      for (const worker of workers) {
        void worker.run();
        closers.push(() => worker.close());
      }
      return workers;
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await Promise.all(Object.values(queues).map((q) => q.close().catch(() => undefined)));
      producer.disconnect();
      workerRedis?.disconnect();
    },
  };
}
