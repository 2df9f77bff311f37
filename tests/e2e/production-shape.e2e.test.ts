import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { freePort } from '../../src/adapters/redis/local-redis-server.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { loadPolicies } from '../../src/config/load-tier-policy.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { callControl } from '../../src/sandbox/client.ts';
import type { StateSnapshot } from '../../src/sandbox/snapshot.ts';
import { parseComposeYaml } from '../helpers/compose-file.ts';
import { containerEnv, healthcheck, service, servicesUp, startService, type ComposeHost, type ServiceProcess } from '../helpers/compose-services.ts';
import { buildImageLayout } from '../helpers/image-layout.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const ROLES = ['web', 'worker', 'scheduler'] as const;
/** Where each service listens inside its container: Redis's default, Fenji's PORT default, compose's SANDBOX_PORT. */
const CONTAINER_PORTS = { redis: 6379, web: 3000, sandbox: 4100 };

/**
 * `docker compose up` without Docker: the image as the Dockerfile lays it out (built here,
 * production dependencies only, run as its USER), and web, worker, scheduler and the
 * sandbox as separate processes configured by docker-compose.yml, on the test Redis. A
 * newcomer then plays `docker compose run --rm sandbox demo`.
 */
describe('the production shape: Dockerfile + docker-compose.yml', () => {
  let host: ComposeHost;
  let tmp: string;
  let redis: Redis;
  let prefix: string;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fenji-image-'));
    chmodSync(tmp, 0o755); // the image's user must reach its files
    const image = buildImageLayout({
      dockerfile: readFileSync(path.join(repo, 'Dockerfile'), 'utf8'),
      context: repo,
      into: tmp,
      // From the npm cache when it can: the test must not depend on the registry.
      runEnv: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    });
    prefix = uniquePrefix('prodshape');
    const redisUrl = new URL(testRedisUrl());
    const [webPort, sandboxPort] = [await freePort(), await freePort()];
    // A newcomer's .env: .env.example copied, pretty logs chosen for reading in a terminal.
    const dotEnv = { ...parseEnv(readFileSync(path.join(repo, '.env.example'), 'utf8')), LOG_FORMAT: 'pretty', REDIS_KEY_PREFIX: prefix };
    host = {
      compose: parseComposeYaml(readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8')),
      image,
      dotEnv,
      // Each container's own address: a service listening on its loopback only is out of
      // the others' reach, as in Docker (Linux routes all of 127/8 to this machine).
      network: {
        [`redis:${CONTAINER_PORTS.redis}`]: redisUrl.host,
        [`web:${CONTAINER_PORTS.web}`]: `127.0.0.3:${webPort}`,
        [`sandbox:${CONTAINER_PORTS.sandbox}`]: `127.0.0.2:${sandboxPort}`,
      },
      listen: { web: { PORT: String(webPort) }, sandbox: { SANDBOX_PORT: String(sandboxPort) } },
      volumesDir: path.join(tmp, 'volumes'),
    };
    redis = connectTestRedis();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    if (redis) {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('publishes no Redis port on the host: the Quick start’s own Redis holds 6379', () => {
    expect(service(host, 'redis')['ports']).toBeUndefined();
  });

  it('gives every role a WeCom API it can reach from its own container: none on its own loopback', () => {
    for (const role of ROLES) {
      const config = loadConfig(containerEnv(host, role));
      expect({ role, mode: config.mode, inProcess: config.sandbox.inProcess, apiHost: new URL(config.wecom.apiBase).hostname }).toEqual({ role, mode: 'sandbox', inProcess: false, apiHost: 'sandbox' });
    }
  });

  it('starts the sandbox service on a terminal too (`docker compose run sandbox` allocates one)', async () => {
    const serve = startService(host, 'sandbox', { tty: true, env: { SANDBOX_PORT: '0' } });
    running.push(serve);
    await until('the sandbox says it runs', () => serve.output().includes('sandbox running at'), [serve]);
    await serve.stop();
  });

  it('runs web, worker, scheduler and the sandbox apart, and the demo’s story reaches WeCom', async () => {
    // `docker compose up`: Redis is the test's; the rest start as compose says.
    expect(servicesUp(host).sort()).toEqual(['redis', 'sandbox', ...ROLES].sort());
    const [sandbox, web, worker, scheduler] = ['sandbox', ...ROLES].map((name) => startService(host, name)) as [ServiceProcess, ServiceProcess, ServiceProcess, ServiceProcess];
    running.push(sandbox, web, worker, scheduler);
    const started = (p: ServiceProcess) => p.lines.some((l) => l['msg'] === 'fenji started');
    const services = [sandbox, web, worker, scheduler];
    await until('every Fenji role started', () => [web, worker, scheduler].every(started), services);
    await until('the web and sandbox healthchecks pass', async () => (await healthcheck(host, 'web')) === 0 && (await healthcheck(host, 'sandbox')) === 0, services);

    // `docker compose run --rm sandbox demo`
    const demo = startService(host, 'sandbox', { command: ['demo'] });
    const code = await demo.exited;
    expect(code, demo.output()).toBe(0);
    expect(demo.output()).toContain('Fenji accepted every callback');

    // The worker, in its own process, fetched each contact from the sandbox service and
    // mirrored the tier it stored as a tag on the rep's relation there.
    const sandboxUrl = `http://${host.network[`sandbox:${CONTAINER_PORTS.sandbox}`]}`;
    const store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
    const { tagNames } = loadPolicies(path.join(host.image.workdir, 'config/tiers.jsonc')).tiers;
    const story = async () => {
      const { body: state } = await callControl<StateSnapshot>(sandboxUrl, 'GET', 'state');
      const names = new Map(state.tagGroups.flatMap((g) => g.tags.map((t) => [t.id, t.name] as const)));
      return Promise.all(
        ['李娜', '王芳'].map(async (name) => {
          const id = state.contacts.find((c) => c.name === name)?.external_userid;
          const stored = id ? await store.get(id) : null;
          const relation = state.relations.find((r) => r.external_userid === id && r.userid === 'zhangwei');
          return { name, tier: stored?.tier?.tier ?? null, tags: relation?.tag_ids.map((t) => names.get(t)) ?? [] };
        }),
      );
    };
    const tierTag = (tier: string | null) => (tier ? tagNames[tier as Tier] : undefined);
    await until('both customers stored with their tier tag in WeCom', async () => (await story()).every((c) => c.tier && c.tags.length === 1 && c.tags[0] === tierTag(c.tier)), services);
    expect(await story()).toEqual([
      { name: '李娜', tier: 'B', tags: [tierTag('B')] },
      { name: '王芳', tier: 'C', tags: [tierTag('C')] },
    ]);
    expect(worker.lines.filter((l) => l['msg'] === 'tier tag mirrored to WeCom').length).toBeGreaterThanOrEqual(2);
    expect(scheduler.lines.some((l) => String(l['msg']).startsWith('scheduler started'))).toBe(true);

    // Logs are JSON whatever .env says (pino-pretty is not in the image), and the image's
    // user wrote the data volume (web's spool folder).
    for (const p of [web, worker, scheduler]) expect(p.lines.filter((l) => 'notJson' in l), p.name).toEqual([]);
    expect(statSync(path.join(host.volumesDir, 'fenji-data', 'spool')).uid).toBe(host.image.user.uid);
    expect(host.image.user.uid).not.toBe(0);
  });
});

/** Polls `condition` until true; fails early, with the output, if a service exits. */
async function until(what: string, condition: () => boolean | Promise<boolean>, services: ServiceProcess[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = services.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`${what}: service ${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output().slice(-3000)}`);
    if (await condition()) return;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms\n${services.map((p) => `--- ${p.name}\n${p.output().slice(-1500)}`).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
