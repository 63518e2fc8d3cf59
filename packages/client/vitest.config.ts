import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@ws/source'] },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'client',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
