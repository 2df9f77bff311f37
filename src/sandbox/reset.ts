import { existsSync, unlinkSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { CliError, type CliContext } from '../cli/run-cli.ts';
import { callControl } from './client.ts';
import { loadSavedCorp, sandboxStateFile } from './persistence.ts';
import type { StateSnapshot } from './snapshot.ts';

const PROBE_TIMEOUT_MS = 1500;

/**
 * `npm run sandbox -- reset`: starts the sandbox corp and Fenji's data over together, as
 * they belong together (Fenji's contacts mirror the corp's). Sandbox mode only, and only
 * while Fenji is stopped: its queues and schedules live under the same key prefix and are
 * set up at start, so a reset under a running Fenji would leave it half-working. A sandbox
 * running on its own (`npm run sandbox -- serve`) is reset through its control API;
 * otherwise its saved state (DATA_DIR/sandbox/state.json) is deleted. Fenji's data is every
 * key under REDIS_KEY_PREFIX, and nothing else (never FLUSHDB: the server may be shared).
 */
export async function resetSandboxAndFenji({ config, container }: CliContext): Promise<void> {
  if (config.mode !== 'sandbox') {
    throw new CliError('reset is for sandbox mode only: WeCom credentials are set, and it would delete Fenji\'s data of a real corp');
  }
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const fenjiUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}`;
  if (await answers(`${fenjiUrl}/healthz`)) {
    throw new CliError(`Fenji is running at ${fenjiUrl}: stop it first (Ctrl-C), then run npm run sandbox -- reset again`);
  }
  console.log(`沙箱已重置 sandbox reset: ${await resetSandbox(config.wecom.apiBase, sandboxStateFile(config.dataDir))}`);
  const deleted = await deleteByPrefix(container.producer, `${config.redis.keyPrefix}:`);
  console.log(`Fenji 数据已清除 Fenji's data deleted: ${deleted} keys under "${config.redis.keyPrefix}:" at ${redactedUrl(config.redis.url)}`);
  console.log('✓ 完成 done — 重新开始 start again: npm start, then npm run sandbox -- demo');
}

/** Resets a sandbox that answers at `url`, or else deletes its saved corp; says what was forgotten. */
async function resetSandbox(url: string, file: string): Promise<string> {
  if (await answers(`${url}/_sandbox/health`)) {
    const { body } = await callControl<StateSnapshot>(url, 'GET', 'state');
    await callControl(url, 'POST', 'reset');
    return `${describeCorp(body)} forgotten (the sandbox running at ${url})`;
  }
  if (!existsSync(file)) return `nothing saved yet (${file})`;
  let what = 'an unreadable state';
  try {
    what = describeCorp(loadSavedCorp(file)!.state);
  } catch {
    // Deleted all the same: starting over is what was asked.
  }
  unlinkSync(file);
  return `${what} forgotten (${file} deleted)`;
}

function describeCorp(state: Pick<StateSnapshot, 'reps' | 'contacts' | 'tagGroups'>): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  return `${count(state.reps.length, 'rep')}, ${count(state.contacts.length, 'customer')}, ${count(state.tagGroups.length, 'tag group')}`;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}

/** SCAN + UNLINK every key starting with `prefix` (a REDIS_KEY_PREFIX holds no glob characters). */
async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function redactedUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.href;
}
