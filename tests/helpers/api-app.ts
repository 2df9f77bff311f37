import pino from 'pino';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from './tier-rules.ts';
import type { Contact } from '../../src/domain/contacts/contact.ts';
import type { OptOut, TierChange } from '../../src/domain/ports.ts';
import { startAppHarness, type AppHarness } from './http-app.ts';

export const API_TOKEN = 'erp-token-0123456789abcdef-xyz';
export const OTHER_TOKEN = 'crm-token-abcdefabcdef0123456789';
export const TZ = 'Asia/Shanghai';
export const DAY = 86_400_000;
/** The harness clock starts here (2025-11-20 10:00 Shanghai). */
export const NOW = Date.UTC(2025, 10, 20, 2);

/** A JSON answer from the API. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (undefined for an empty body). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

export interface ApiHarness extends AppHarness {
  store: RedisContactStore;
  /** Tier changes the hook was told about. */
  changes: TierChange[];
  /** Opt-outs the onOptOuts hook was told about. */
  optOuts: { externalUserId: string; optOut: OptOut }[];
  /** Every line the API logged (JSON, level debug and up). */
  logs: string[];
  /** Calls the API with the erp token (or `token`; null = none) and a JSON body. */
  call(method: string, path: string, options?: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Stores a contact added by `reps` at `addedAt`. */
  seedContact(id: string, options?: { reps?: string[]; addedAt?: number; name?: string }): Promise<void>;
}

/** Fenji's app in-process with /api mounted on a real Redis; tokens `erp` and `crm` unless given. */
export async function startApiHarness(options: { tokens?: { name: string; token: string }[] } = {}): Promise<ApiHarness> {
  const { tiers: policy } = testPolicies;
  const changes: TierChange[] = [];
  const optOuts: ApiHarness['optOuts'] = [];
  const logs: string[] = [];
  const apiLog = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  let store: RedisContactStore | undefined;
  const harness = await startAppHarness({
    api: ({ redis, keys, clock }) => {
      store = new RedisContactStore({ redis, keys });
      return {
        store, policy, timeZone: TZ, clock, log: apiLog,
        tokens: options.tokens ?? [{ name: 'erp', token: API_TOKEN }, { name: 'crm', token: OTHER_TOKEN }],
        onTierChanges: async (c) => void changes.push(...c),
        onOptOuts: async (o) => void optOuts.push(...o),
      };
    },
  });
  harness.clock.set(NOW);
  const contactStore = store!;

  return {
    ...harness, store: contactStore, changes, optOuts, logs,
    async call(method, path, { body, raw, token = API_TOKEN, headers = {} } = {}) {
      const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
      const response = await fetch(`${harness.url}${path}`, {
        method,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(payload === undefined ? {} : { body: payload }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
    async seedContact(id, { reps = ['rep1'], addedAt = NOW - DAY, name = id } = {}) {
      const contact: Contact = {
        externalUserId: id, name, type: 1, gender: 'unknown', profile: {}, createdAt: addedAt, updatedAt: addedAt,
        follows: reps.map((userId) => ({ userId, addedAt, tagIds: [], status: 'active', changedAt: addedAt })),
      };
      await contactStore.upsertContact(contact);
    },
  };
}
