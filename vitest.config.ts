import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      'examples/*',
      // @ws/protocols' ws tests on the oldest ws its peer range allows (the newest 8.x runs above).
      'packages/protocols/vitest.ws-oldest.config.ts',
      // Repository-wide rules and release/packaging policy checks (scripts/*.test.ts).
      {
        extends: true,
        // Workspace imports resolve to source, as in every package's own project.
        resolve: { conditions: ['@ws/source'] },
        ssr: { resolve: { conditions: ['@ws/source'] } },
        test: { name: 'repo', include: ['scripts/**/*.test.ts'] },
      },
    ],
    // Two cores: keep fault, browser and timing tests from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
