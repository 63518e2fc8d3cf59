import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'testkit',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Starts redis-server and a Redis Cluster: the root timeouts are not inherited here.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
