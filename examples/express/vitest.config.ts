import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'example-express',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // A child process is started: the root timeouts are not inherited here.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
