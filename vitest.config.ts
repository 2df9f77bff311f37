import { defineConfig } from 'vitest/config';

// Three layers (README, 'Tests'): unit tests sit next to the code and touch no Redis or
// network; integration and e2e tests use a real Redis that the harness starts
// (tests/helpers/global-setup.ts) and isolate themselves by key prefix (tests/helpers/redis.ts).
export default defineConfig({
  test: {
    globals: false,
    globalSetup: ['tests/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.int.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // e2e files start Fenji processes and kill Redis: run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
