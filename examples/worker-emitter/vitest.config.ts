import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'example-worker-emitter',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Child processes (instances, the worker) and a redis-server are started.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
