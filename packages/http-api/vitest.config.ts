import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'http-api',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Projects do not inherit the root config's timeouts; the browser and HTTP tests need more
    // than vitest's 5 s default on a loaded 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
