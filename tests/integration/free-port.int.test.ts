import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/redis/local-redis-server.ts';

describe('freePort', () => {
  it('picks listenable ports below the kernel\'s ephemeral range, which outgoing connections draw from', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
