import type { Redis } from 'ioredis';

/**
 * The raw Redis the tiers bench is measured against, on the same private server in the
 * same run: pipelined SET/GET of strings the size of a contact record (what a recompute
 * reads per contact), MGET in batches (how it reads), and HSET/HGETALL of a hash of a
 * similar size. Pipelines are `depth` commands deep; keys are removed afterwards.
 */
export interface RedisBaseline {
  setOpsPerS: number;
  getOpsPerS: number;
  mgetKeysPerS: number;
  hsetOpsPerS: number;
  hgetallOpsPerS: number;
}

export async function measureBaseline(redis: Redis, o: { keys: number; valueBytes: number; depth: number }): Promise<RedisBaseline> {
  const value = 'x'.repeat(o.valueBytes);
  const field = 'y'.repeat(Math.max(1, Math.floor(o.valueBytes / 8)));
  const key = (i: number) => `bench:base:${i.toString(36).padStart(8, '0')}${'k'.repeat(24)}`;
  const hkey = (i: number) => `bench:baseh:${i.toString(36).padStart(8, '0')}${'k'.repeat(24)}`;
  const run = async (queue: (p: ReturnType<Redis['pipeline']>, i: number) => void): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < o.keys; i += o.depth) {
      const p = redis.pipeline();
      for (let k = i; k < Math.min(o.keys, i + o.depth); k++) queue(p, k);
      await p.exec();
    }
    return o.keys / ((performance.now() - started) / 1000);
  };
  const setOpsPerS = await run((p, i) => p.set(key(i), value));
  const getOpsPerS = await run((p, i) => p.get(key(i)));
  const started = performance.now();
  for (let i = 0; i < o.keys; i += o.depth) {
    await redis.mget(Array.from({ length: Math.min(o.depth, o.keys - i) }, (_, k) => key(i + k)));
  }
  const mgetKeysPerS = o.keys / ((performance.now() - started) / 1000);
  const hsetOpsPerS = await run((p, i) => p.hset(hkey(i), { a: field, b: field, c: field, d: field, e: field, f: field, g: field, h: field }));
  const hgetallOpsPerS = await run((p, i) => p.hgetall(hkey(i)));
  for (let i = 0; i < o.keys; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, o.keys - i) }, (_, k) => i + k);
    await redis.unlink(...batch.map(key), ...batch.map(hkey));
  }
  return { setOpsPerS, getOpsPerS, mgetKeysPerS, hsetOpsPerS, hgetallOpsPerS };
}
