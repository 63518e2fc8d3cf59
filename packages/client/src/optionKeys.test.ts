import { nearestKey as coreNearestKey } from '@ws/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeNetwork } from '../test/fakeWebSocket.js';
import type { FakeNetwork } from '../test/fakeWebSocket.js';
import { createClient } from './client.js';
import type { ClientOptions } from './options.js';
import { ClientError } from './errors.js';
import { nearestKey } from './internal/optionKeys.js';

let net: FakeNetwork;
beforeEach(() => {
  vi.useFakeTimers();
  net = createFakeNetwork();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Creates a client with `extra` on top of valid options; answers the ClientError it throws. */
function refused(
  extra: Partial<Record<keyof ClientOptions | 'x', unknown>> | object,
): ClientError | 'accepted' {
  try {
    createClient({ url: 'ws://chat.test/ws', WebSocket: net.WebSocket, ...extra } as never);
  } catch (err) {
    if (err instanceof ClientError) return err;
    throw err;
  }
  return 'accepted';
}

describe('createClient refuses unknown option keys', () => {
  it('a top-level typo: invalid_options naming the key and the nearest known one', () => {
    const err = refused({ requestTimeoutMS: 5000 });
    expect(err).toMatchObject({
      code: 'invalid_options',
      message:
        'unknown option `requestTimeoutMS` in client options; did you mean `requestTimeoutMs`?',
    });
    expect(refused({ autoconect: false })).toMatchObject({
      message: expect.stringContaining('did you mean `autoConnect`?') as string,
    });
  });

  it('a typo inside backoff or heartbeat names its path', () => {
    expect(refused({ backoff: { minMS: 100 } })).toMatchObject({
      code: 'invalid_options',
      message: 'unknown option `minMS` in client options.backoff; did you mean `minMs`?',
    });
    expect(refused({ heartbeat: { intervalMs: 1000, timeout: 500 } })).toMatchObject({
      code: 'invalid_options',
      message: 'unknown option `timeout` in client options.heartbeat; did you mean `timeoutMs`?',
    });
  });

  it('a key far from every known one lists the known keys', () => {
    const err = refused({ backoff: { jitter: 'full' } });
    expect(err).toMatchObject({
      code: 'invalid_options',
      message:
        'unknown option `jitter` in client options.backoff; known options: `minMs`, `maxMs`, `factor`',
    });
  });

  it('refuses before any socket or timer is created', () => {
    expect(refused({ maxQueue: 5 })).toMatchObject({ code: 'invalid_options' });
    expect(refused({ backoff: { factr: 2 } })).toMatchObject({ code: 'invalid_options' });
    expect(net.sockets).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses options that are not an object, and a backoff that is not one', () => {
    expect(() => createClient(undefined as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(refused({ backoff: 5 })).toMatchObject({
      code: 'invalid_options',
      message: 'backoff must be an object',
    });
  });

  it('valid options, nested ones and `heartbeat: false` included, still connect', () => {
    const client = createClient({
      url: 'ws://chat.test/ws',
      WebSocket: net.WebSocket,
      backoff: { minMs: 100, maxMs: 1000, factor: 3 },
      heartbeat: false,
      refreshAheadMs: false,
    });
    expect(net.sockets).toHaveLength(1);
    client.close();
    expect(refused({ heartbeat: { intervalMs: 1000, timeoutMs: 500 }, autoConnect: false })).toBe(
      'accepted',
    );
  });

  it("nearestKey follows core's rule: a third of the longer name, at least one edit, any case", () => {
    const known = ['maxConnections', 'url', 'timeoutMs'];
    expect(nearestKey('maxConection', known)).toBe('maxConnections');
    expect(nearestKey('URL', known)).toBe('url');
    expect(nearestKey('uri', known)).toBe('url');
    expect(nearestKey('ab', known)).toBeUndefined();
    expect(nearestKey('timeMs', known)).toBe('timeoutMs');
    expect(nearestKey('tiMs', known)).toBeUndefined();
  });

  it("nearestKey agrees with core's on arbitrary keys (same rule on both sides)", () => {
    const name = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', 'c', 'M', 's', 'İ'),
      maxLength: 12,
    });
    fc.assert(
      fc.property(name, fc.array(name, { maxLength: 6 }), (key, known) => {
        expect(nearestKey(key, known)).toBe(coreNearestKey(key, known));
      }),
      { numRuns: 500 },
    );
  });
});
