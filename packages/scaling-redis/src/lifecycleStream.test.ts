import { isWsError } from '@ws/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { lifecycleStream, lifecycleStreamDefaults } from './lifecycleStream.js';
import { redisCluster } from './redisCluster.js';

const refused = (f: () => unknown, text: string): void => {
  expect(f).toThrow(expect.toSatisfy((e: unknown) => isWsError(e) && e.code === 'invalid_options'));
  expect(f).toThrow(text);
};

describe('lifecycleStream options', () => {
  it('fills in the defaults and freezes the result', () => {
    const l = lifecycleStream();
    expect(l).toEqual({ kind: 'lifecycle-stream', ...lifecycleStreamDefaults });
    expect(Object.isFrozen(l)).toBe(true);
    expect(lifecycleStreamDefaults).toEqual({
      stream: 'lifecycle',
      maxLen: 100_000,
      bufferSize: 10_000,
    });
  });

  it('refuses a misspelt key, a bad stream name and bad numbers', () => {
    refused(() => lifecycleStream({ maxlen: 5 } as never), 'did you mean `maxLen`?');
    refused(() => lifecycleStream({ stream: 'a b' }), 'stream');
    refused(() => lifecycleStream({ stream: '' }), 'stream');
    refused(() => lifecycleStream({ maxLen: -1 }), 'maxLen');
    refused(() => lifecycleStream({ bufferSize: 0 }), 'bufferSize');
    refused(() => lifecycleStream({ bufferSize: 1.5 }), 'bufferSize');
  });

  it('redisCluster takes only what lifecycleStream made', () => {
    const redis = new Redis({ lazyConnect: true });
    refused(
      () => redisCluster({ redis, keyPrefix: 'x:', lifecycle: { stream: 'x' } as never }),
      'lifecycleStream()',
    );
    expect(() =>
      redisCluster({ redis, keyPrefix: 'x:', lifecycle: lifecycleStream() }),
    ).not.toThrow();
    redis.disconnect();
  });
});
