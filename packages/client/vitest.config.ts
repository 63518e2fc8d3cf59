import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'client',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    // Type tests (`*.test-d.ts`: expectTypeOf, @ts-expect-error) run with the others, through tsc.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Real servers, Redis and Chromium on a loaded 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
