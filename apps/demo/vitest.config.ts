import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'demo',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Browsers, child processes and a redis-server: the root timeouts are not inherited here.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
