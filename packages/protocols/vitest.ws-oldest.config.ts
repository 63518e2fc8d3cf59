import { defineProject } from 'vitest/config';

/**
 * The `ws` tests of this package again, with `ws` resolved to the oldest version
 * `peerDependencies.ws` allows (the `ws-oldest` dev dependency, `npm:ws@<that version>`); the
 * `protocols` project runs everything on the newest 8.x (the `ws` dev dependency). Only
 * `src/ws/**` (attach, the adapter and its raw write path) runs twice, to keep the added time
 * small. `rawWrite.test.ts` checks that the alias took (the loaded `WebSocket` is `ws-oldest`'s,
 * its version the peer range's lower bound) and that the raw path is taken on this version.
 */
export default defineProject({
  resolve: {
    conditions: ['@ws/source'],
    alias: [{ find: /^ws$/, replacement: 'ws-oldest' }],
  },
  ssr: { resolve: { conditions: ['@ws/source'] } },
  test: {
    name: 'protocols-ws-oldest',
    include: ['src/ws/**/*.test.ts'],
    restoreMocks: true,
    env: { WS_PACKAGE: 'ws-oldest' },
  },
});
