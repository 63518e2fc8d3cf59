import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeAll, readyNodes } from '../test/harness.js';
import { checkIsolation } from '../test/isolation.js';
import { createRedisServer } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('isolation across instances sharing one Redis', () => {
  for (const seed of [1, 2, 3]) {
    it(`delivers each message to exactly its recipients over 3 managers (seed ${seed})`, async () => {
      const nodes = await readyNodes(server.port, `iso${seed}`, 3, () => ({
        manager: { maxConnectionsPerUser: 5 },
      }));
      try {
        await checkIsolation(nodes, seed);
      } finally {
        await closeAll(nodes);
      }
    });
  }
});
