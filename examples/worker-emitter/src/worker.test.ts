import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../test/clients.js';
import { testClient } from '../test/clients.js';
import type { Instance } from '../test/processes.js';
import { runScript, startInstance } from '../test/processes.js';

let redis: RedisServer;
let instance: Instance;
let client: TestClient;
const prefix = `worker-${process.pid}:`;

beforeAll(async () => {
  redis = await createRedisServer();
  instance = await startInstance({ REDIS_URL: redis.url, KEY_PREFIX: prefix });
}, 90_000);
afterAll(async () => {
  client?.client.close();
  await instance?.stop();
  await redis?.stop();
});

describe('the worker, started as its README says', () => {
  it('publishes job progress and a direct message through Redis, and exits 0', async () => {
    client = testClient(instance.wsUrl, 'alice');
    await Promise.all([0, 1, 2].map((n) => client.client.join(`job:${n}`)));
    const worker = runScript('src/main.ts', {
      REDIS_URL: redis.url,
      KEY_PREFIX: prefix,
      THREADS: '3',
      MESSAGES: '30',
      USER_ID: 'alice',
    });
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('done {"sent":30,"failed":0,"told":{"published":true}}');
    await waitFor(() => client.messages.length === 31, { timeoutMs: 20_000 });
    expect(client.messages.filter((m) => m.thread === 'job:1').map((m) => m.data)).toEqual(
      Array.from({ length: 10 }, (_, step) => ({ job: 1, step, of: 10 })),
    );
    expect(client.messages.every((m) => m.from === null)).toBe(true);
    expect(client.messages.find((m) => m.thread === undefined)?.data).toEqual({ jobsDone: true });
  });

  it('with Redis unreachable: every send fails within its bound, and it exits 1', async () => {
    const worker = runScript('src/main.ts', {
      REDIS_URL: 'redis://127.0.0.1:1',
      KEY_PREFIX: prefix,
      THREADS: '2',
      MESSAGES: '4',
      COMMAND_TIMEOUT_MS: '300',
    });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/done \{"sent":0,"failed":4,"firstError":"cluster_error: /);
  });
});
