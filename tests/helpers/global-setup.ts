import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';

/**
 * The harness owns its Redis: a private redis-server on a free port with its data in a
 * temp folder, unless FENJI_TEST_REDIS_URL points at one the developer dedicates to tests.
 * Tests isolate themselves further by key prefix (tests/helpers/redis.ts).
 */
let server: LocalRedis | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env['FENJI_TEST_REDIS_URL'];
  if (!url) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-test-redis-'));
    server = await startLocalRedis({ dir });
    url = server.url;
  }
  project.provide('redisUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
