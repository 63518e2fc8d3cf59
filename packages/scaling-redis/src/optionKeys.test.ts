import { createRedisServer } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmitter } from './emitter.js';
import { redisCluster } from './redisCluster.js';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** An `invalid_options` WsError whose message contains `text`. */
function invalidOptions(text: string): Error {
  return expect.objectContaining({
    code: 'invalid_options',
    message: expect.stringContaining(text) as string,
  }) as Error;
}

/** An ioredis client whose every property read throws: proof it was not used. */
const untouchableRedis = (): Redis =>
  new Proxy({} as Redis, {
    get: (_target, key) => {
      throw new Error(`redis.${String(key)} read before the options were checked`);
    },
  });

describe('scaling-redis factories refuse unknown option keys', () => {
  it('redisCluster names the key and the nearest known one, before touching Redis or a timer', () => {
    vi.useFakeTimers();
    try {
      const redis = untouchableRedis();
      expect(() => redisCluster({ redis, keyPrefix: 'p:', heartbeatMS: 100 } as never)).toThrow(
        invalidOptions(
          'unknown option `heartbeatMS` in redisCluster options; did you mean `heartbeatMs`?',
        ),
      );
      const typo = { redis, keyPrefix: 'p:', probeFailuresBeforeReconect: 1 };
      expect(() => redisCluster(typo as never)).toThrow(
        invalidOptions('did you mean `probeFailuresBeforeReconnect`?'),
      );
      expect(() => redisCluster({ redis, keyprefix: 'p:' } as never)).toThrow(
        invalidOptions('did you mean `keyPrefix`?'),
      );
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('createEmitter names the key and the nearest known one, before opening a connection', () => {
    const redis = untouchableRedis();
    expect(() => createEmitter({ redis, keyPrefix: 'p:', maxMessageByte: 9 } as never)).toThrow(
      invalidOptions(
        'unknown option `maxMessageByte` in createEmitter options; did you mean `maxMessageBytes`?',
      ),
    );
    const typo = { redis, keyPrefix: 'p:', validator: () => undefined };
    expect(() => createEmitter(typo as never)).toThrow(invalidOptions('did you mean `validate`?'));
  });

  it('a key far from every known one lists the known keys instead', () => {
    const far = { redis: untouchableRedis(), keyPrefix: 'p:', shards: 3 };
    expect(() => createEmitter(far as never)).toThrow(
      invalidOptions('unknown option `shards` in createEmitter options; known options: `redis`'),
    );
  });

  it('emitter.disconnectUser refuses an unknown option key of its own', async () => {
    const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const emitter = createEmitter({ redis, keyPrefix: 'optionkeys:' });
    try {
      await expect(emitter.disconnectUser('u', { reasn: 'bye' } as never)).rejects.toThrow(
        'unknown option `reasn` in disconnectUser options; did you mean `reason`?',
      );
      expect(await emitter.disconnectUser('u', { code: 4103, reason: 'bye' })).toEqual({
        published: false,
      });
    } finally {
      await emitter.close();
      redis.disconnect();
    }
  });

  it('valid options are accepted, the ioredis client and the metrics registry unchecked inside', async () => {
    const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    try {
      const adapter = redisCluster({ redis, keyPrefix: 'optionkeys:', heartbeatMs: 1000 });
      expect(await adapter.health()).toEqual({ status: 'down', detail: 'not started' });
      const emitter = createEmitter({ redis, keyPrefix: 'optionkeys:', historyMaxLen: 8 });
      expect(await emitter.broadcast({ hello: 1 })).toEqual({ published: false });
      await emitter.close();
    } finally {
      redis.disconnect();
    }
  });
});
