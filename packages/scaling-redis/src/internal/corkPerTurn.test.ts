import type { RedisServer } from '@ws/testkit';
import { createRedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corkPerTurn } from './corkPerTurn.js';
import type { RawClient } from './duplicate.js';

const nextTick = (): Promise<void> => new Promise((r) => process.nextTick(r));

/** A client whose stream only counts cork / uncork, and whose calls answer their arguments. */
function fakeClient(withStream: boolean): RawClient & { corks: number; uncorks: number } {
  const fake = {
    corks: 0,
    uncorks: 0,
    status: 'ready',
    ...(withStream
      ? { stream: { cork: () => void fake.corks++, uncork: () => void fake.uncorks++ } }
      : {}),
    call: (command: string, ...args: (string | number)[]) => Promise.resolve([command, ...args]),
    on: () => fake,
    once: () => fake,
    off: () => fake,
    disconnect: () => {},
    quit: () => Promise.resolve('OK'),
  };
  return fake;
}

describe('corkPerTurn', () => {
  it('corks once per turn and uncorks after the turn, whatever the number of calls', async () => {
    const fake = fakeClient(true);
    const client = corkPerTurn(fake);
    const answers = [client.call('A', 1), client.call('B'), client.call('C', 'x')];
    expect([fake.corks, fake.uncorks]).toEqual([1, 0]);
    await nextTick();
    expect([fake.corks, fake.uncorks]).toEqual([1, 1]);
    expect(await Promise.all(answers)).toEqual([['A', 1], ['B'], ['C', 'x']]);
    await client.call('D');
    await nextTick();
    expect([fake.corks, fake.uncorks]).toEqual([2, 2]);
    expect(client.status).toBe('ready');
  });

  it('passes calls through untouched when the client has no stream (a Cluster)', async () => {
    const fake = fakeClient(false);
    const client = corkPerTurn(fake);
    expect(await client.call('PING')).toEqual(['PING']);
    expect([fake.corks, fake.uncorks]).toEqual([0, 0]);
  });
});

describe('corkPerTurn on a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await createRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends a burst of 1,000 commands in a few socket writes, in order, every reply right', async () => {
    const redis = new Redis(server.port, '127.0.0.1');
    await redis.ping();
    type Write = (...args: unknown[]) => unknown;
    const stream = (redis as unknown as { stream: { _write: Write; _writev: Write } }).stream;
    let writes = 0;
    for (const name of ['_write', '_writev'] as const) {
      const original = stream[name];
      stream[name] = function (this: unknown, ...args: unknown[]) {
        writes += 1;
        return original.apply(this, args);
      };
    }
    const client = corkPerTurn(redis as unknown as RawClient);
    await client.call('DEL', 'k');
    writes = 0;
    const replies = Array.from({ length: 1000 }, () => client.call('INCR', 'k'));
    expect(await Promise.all(replies)).toEqual(Array.from({ length: 1000 }, (_v, i) => i + 1));
    expect(writes).toBeLessThanOrEqual(2);
    // A lone command after the burst is written and answered too.
    expect(await client.call('GET', 'k')).toBe('1000');
    redis.disconnect();
  });
});
