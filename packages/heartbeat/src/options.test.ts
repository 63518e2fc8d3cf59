import { isWsError } from '@ws/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { heartbeat, heartbeatDefaults, resolveHeartbeatOptions } from './index.js';
import type { HeartbeatOptions } from './index.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isWsError(err) ? `${err.code}: ${err.message}` : `not a WsError: ${String(err)}`;
  }
  return undefined;
}

describe('heartbeat options', () => {
  it('documents four presets, production in the range of Socket.IO and Centrifugo', () => {
    expect(heartbeatDefaults.preset).toBe('production');
    expect(heartbeatDefaults.presets).toEqual({
      production: { intervalMs: 25_000, timeoutMs: 20_000, maxMissed: 1 },
      staging: { intervalMs: 25_000, timeoutMs: 20_000, maxMissed: 1 },
      development: { intervalMs: 30_000, timeoutMs: 30_000, maxMissed: 2 },
      test: { intervalMs: 1_000, timeoutMs: 500, maxMissed: 1 },
    });
    expect(Object.isFrozen(heartbeatDefaults.presets.production)).toBe(true);
  });

  it('takes the preset from the option, else NODE_ENV, else production', () => {
    vi.stubEnv('NODE_ENV', 'development');
    expect(resolveHeartbeatOptions({ preset: 'staging' }).preset).toBe('staging');
    expect(resolveHeartbeatOptions()).toEqual({
      preset: 'development',
      intervalMs: 30_000,
      timeoutMs: 30_000,
      maxMissed: 2,
    });
    vi.stubEnv('NODE_ENV', 'test');
    expect(resolveHeartbeatOptions()).toEqual({
      preset: 'test',
      intervalMs: 1_000,
      timeoutMs: 500,
      maxMissed: 1,
    });
    vi.stubEnv('NODE_ENV', 'qa-cluster-7');
    expect(resolveHeartbeatOptions().preset).toBe('production');
    vi.stubEnv('NODE_ENV', undefined);
    expect(resolveHeartbeatOptions()).toEqual({
      preset: 'production',
      intervalMs: 25_000,
      timeoutMs: 20_000,
      maxMissed: 1,
    });
  });

  it('explicit figures override the preset one by one', () => {
    expect(resolveHeartbeatOptions({ preset: 'production', timeoutMs: 8_000 })).toEqual({
      preset: 'production',
      intervalMs: 25_000,
      timeoutMs: 8_000,
      maxMissed: 1,
    });
    expect(
      resolveHeartbeatOptions({ preset: 'test', intervalMs: 200, timeoutMs: 100, maxMissed: 3 }),
    ).toEqual({
      preset: 'test',
      intervalMs: 200,
      timeoutMs: 100,
      maxMissed: 3,
    });
  });

  it.each<[string, unknown, string]>([
    [
      'unknown preset',
      { preset: 'prod' },
      'preset must be one of development, test, staging, production, got prod',
    ],
    [
      'zero interval',
      { intervalMs: 0 },
      'intervalMs must be a number of ms from 10 to 2147483647, got 0',
    ],
    [
      'NaN interval',
      { intervalMs: Number.NaN },
      'intervalMs must be a number of ms from 10 to 2147483647, got NaN',
    ],
    [
      'string interval',
      { intervalMs: '1000' },
      'intervalMs must be a number of ms from 10 to 2147483647, got 1000',
    ],
    [
      'huge interval',
      { intervalMs: 2 ** 31 },
      'intervalMs must be a number of ms from 10 to 2147483647, got 2147483648',
    ],
    [
      'negative timeout',
      { intervalMs: 1000, timeoutMs: -1 },
      'timeoutMs must be a number of ms from 5 to 2147483647, got -1',
    ],
    [
      'timeout over interval',
      { intervalMs: 1000, timeoutMs: 1001 },
      'timeoutMs (1001) must not exceed intervalMs (1000)',
    ],
    [
      'preset timeout over explicit interval',
      { preset: 'production', intervalMs: 10_000 },
      "timeoutMs (from preset 'production') (20000) must not exceed intervalMs (10000)",
    ],
    ['zero maxMissed', { maxMissed: 0 }, 'maxMissed must be an integer from 1 to 100, got 0'],
    [
      'fractional maxMissed',
      { maxMissed: 1.5 },
      'maxMissed must be an integer from 1 to 100, got 1.5',
    ],
    [
      'too many maxMissed',
      { maxMissed: 101 },
      'maxMissed must be an integer from 1 to 100, got 101',
    ],
  ])('rejects %s with WsError invalid_options at creation', (_, options, message) => {
    expect(codeOf(() => heartbeat(options as HeartbeatOptions))).toBe(
      `invalid_options: heartbeat: ${message}`,
    );
  });

  it.each<[string, unknown, string]>([
    [
      'a misspelt option',
      { interval: 1000 },
      'unknown option `interval` in heartbeat options; did you mean `intervalMs`?',
    ],
    [
      'an option nothing is near',
      { colour: 'red' },
      'unknown option `colour` in heartbeat options; known options: `preset`, `intervalMs`, `timeoutMs`, `maxMissed`',
    ],
    ['options that are not an object', 'fast', 'heartbeat options must be an object'],
  ])('rejects %s, naming the key and the nearest known one', (_, options, message) => {
    expect(codeOf(() => heartbeat(options as HeartbeatOptions))).toBe(
      `invalid_options: ${message}`,
    );
  });

  it('accepts the bounds', () => {
    expect(resolveHeartbeatOptions({ intervalMs: 10, timeoutMs: 5, maxMissed: 100 })).toMatchObject(
      {
        intervalMs: 10,
        timeoutMs: 5,
        maxMissed: 100,
      },
    );
    expect(resolveHeartbeatOptions({ intervalMs: 1000, timeoutMs: 1000 }).timeoutMs).toBe(1000);
  });
});
