import type { Redis } from 'ioredis';
import type { OutreachPlanner } from '../../domain/outreach/outreach.ts';
import { AfterSalePlanner } from '../../domain/outreach/planners/after-sale.ts';
import { BirthdayPlanner } from '../../domain/outreach/planners/birthday.ts';
import type { OccasionSettings } from '../../domain/outreach/planners/greeting.ts';
import { HolidayPlanner } from '../../domain/outreach/planners/holiday.ts';
import { RedisBirthdayIndex } from './birthday-index.ts';
import type { RedisKeys } from './keys.ts';
import { RedisPaidOrderIndex } from './paid-order-index.ts';
import type { RedisContactStore } from './redis-contact-store.ts';

/**
 * The birthday, holiday and after-sale planners over the Redis archive and its candidate
 * indexes: what the plan job and `npm run preview` both run (one list, so a new kind is
 * one line here).
 */
export function greetingPlanners(deps: { redis: Redis; keys: RedisKeys; store: RedisContactStore; occasions: OccasionSettings; timeZone: string }): OutreachPlanner[] {
  const { redis, keys, store, occasions, timeZone } = deps;
  return [
    new BirthdayPlanner({ index: new RedisBirthdayIndex({ redis, keys }), records: store, occasions, timeZone }),
    new HolidayPlanner({ contacts: store, occasions, timeZone }),
    new AfterSalePlanner({ index: new RedisPaidOrderIndex({ redis, keys }), records: store, occasions, timeZone }),
  ];
}
