import { describe, expect, it } from 'vitest';
import { CloseCode, closeCodeLabel, closeCodeTable, shouldReconnect } from './closeCodes.js';
import { WsError, isWireErrorCode, isWsError, toWsError } from './errors.js';
import { redactUrl } from './logger.js';

describe('errors', () => {
  it('carries a stable code and cause, and converts unknown throws', () => {
    const cause = new Error('root');
    const e = new WsError('forbidden', 'no', { cause });
    expect(isWsError(e)).toBe(true);
    expect(e).toMatchObject({ name: 'WsError', code: 'forbidden', message: 'no', cause });
    expect(toWsError(e)).toBe(e);
    expect(toWsError(new Error('x'))).toMatchObject({ code: 'internal_error', message: 'x' });
    expect(toWsError('text', 'cluster_error')).toMatchObject({
      code: 'cluster_error',
      message: 'text',
    });
    expect(toWsError(42)).toMatchObject({ code: 'internal_error', message: 'unknown error' });
    expect(isWsError({ name: 'WsError', code: 'x' })).toBe(true);
    expect(isWsError(new Error('x'))).toBe(false);
    expect(isWireErrorCode('rate_limited')).toBe(true);
    expect(isWireErrorCode('user_limit')).toBe(false);
  });
});

describe('close codes', () => {
  it('match the table in PROTOCOL.md and the reconnect advice', () => {
    expect(CloseCode).toMatchObject({
      goingAway: 1001,
      policyViolation: 1008,
      messageTooBig: 1009,
      serviceRestart: 1012,
      tryAgainLater: 1013,
      idleTimeout: 4001,
      evicted: 4100,
      userLimit: 4101,
      sessionExpired: 4102,
      revoked: 4103,
    });
    expect(closeCodeTable.map((r) => r.code)).toEqual([
      1000, 1001, 1003, 1006, 1007, 1008, 1009, 1011, 1012, 1013, 4001, 4100, 4101, 4102, 4103,
    ]);
    expect([1001, 1006, 1011, 1012, 1013, 4001, 4050].every(shouldReconnect)).toBe(true);
    expect([1000, 1003, 1007, 1008, 1009, 4100, 4101, 4102, 4103].some(shouldReconnect)).toBe(
      false,
    );
    expect(closeCodeLabel(4100)).toBe('4100');
    expect(closeCodeLabel(4321)).toBe('other');
  });
});

describe('redactUrl', () => {
  it('hides token and resume values and nothing else', () => {
    expect(redactUrl('/ws?token=abc&v=2&resume=xyz')).toBe(
      '/ws?token=[redacted]&v=2&resume=[redacted]',
    );
    expect(redactUrl('/ws?TOKEN=abc')).toBe('/ws?TOKEN=[redacted]');
    expect(redactUrl('/ws')).toBe('/ws');
  });
});
