import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'scaling-redis',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Fault tests start redis-server and child processes and wait out heartbeats.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
