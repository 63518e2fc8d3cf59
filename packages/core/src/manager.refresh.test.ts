import { describe, expect, it } from 'vitest';
import type { Manager, RefreshCredentials } from './api.js';
import { CloseCode } from './closeCodes.js';
import { flush, testManager } from './internal/testSupport.js';
import { createManualClock } from './testing/index.js';
import { MAX_REFRESH_TOKEN_BYTES } from './validateFrame.js';

/** Tokens are `<user>:<expiresAt>`; `boom` throws; anything else is refused. */
const refresh: RefreshCredentials = (token) => {
  if (token === 'boom') throw new Error('token service down');
  const [user, at] = token.split(':');
  if (user === undefined || at === undefined) return null;
  return { userId: user, expiresAt: Number(at) };
};

/** A counter of a manager, by labels. */
function count(m: Manager, name: string, labels: Record<string, string> = {}): number {
  const labelNames = Object.keys(labels);
  return m.metrics.counter(name, { help: '', labelNames }).get(labels);
}

describe('refresh in place', () => {
  it('three refreshes in a row move the 4102 deadline each time, acknowledged with the new expiresAt', async () => {
    const clock = createManualClock();
    const m = testManager({ clock });
    let expiresAt = clock.now() + 2_500;
    const a = await m.connect('alice', { expiresAt, refresh });
    expect(a.welcome().expiresAt).toBe(expiresAt);
    for (let i = 1; i <= 3; i++) {
      clock.advance(2_000);
      expiresAt = clock.now() + 2_500;
      a.client.sendFrame({ type: 'refresh', token: `alice:${expiresAt}`, id: i });
      await flush();
      expect(a.after().at(-1)).toEqual({ type: 'ack', id: i, expiresAt });
      expect(a.client.closed).toBeUndefined();
    }
    clock.advance(2_000);
    expect(a.client.closed).toBeUndefined();
    clock.advance(1_000);
    expect(a.client.closed?.code).toBe(CloseCode.sessionExpired);
    await m.close();
  });

  it('an asynchronous check works the same', async () => {
    const clock = createManualClock();
    const m = testManager({ clock });
    const later = clock.now() + 60_000;
    const a = await m.connect('alice', {
      expiresAt: clock.now() + 1_000,
      refresh: async (token) => Promise.resolve(refresh(token, undefined as never)),
    });
    a.client.sendFrame({ type: 'refresh', token: `alice:${later}`, id: 'r' });
    await flush();
    expect(a.after()).toEqual([{ type: 'ack', id: 'r', expiresAt: later }]);
    clock.advance(5_000);
    expect(a.client.closed).toBeUndefined();
    await m.close();
  });

  it('a token naming another user is refused (forbidden, one violation) and the old expiry holds', async () => {
    const clock = createManualClock();
    const m = testManager({ clock });
    const a = await m.connect('alice', { expiresAt: clock.now() + 2_500, refresh });
    a.client.sendFrame({ type: 'refresh', token: `mallory:${clock.now() + 99_000}`, id: 1 });
    await flush();
    expect(a.after()).toEqual([
      {
        type: 'error',
        id: 1,
        code: 'forbidden',
        message: 'the new credentials name another user',
      },
    ]);
    expect(count(m, 'ws_violations_total')).toBe(1);
    expect(count(m, 'ws_refreshes_total', { result: 'wrong_user' })).toBe(1);
    expect(a.welcome().userId).toBe('alice');
    clock.advance(3_000);
    expect(a.client.closed?.code).toBe(CloseCode.sessionExpired);
    await m.close();
  });

  it('refused, already expired, throwing and unconfigured checks keep the expiry; each answered', async () => {
    const clock = createManualClock();
    const m = testManager({ clock });
    const expiresAt = clock.now() + 2_500;
    const a = await m.connect('alice', { expiresAt, refresh });
    const plain = await m.connect('bob', { expiresAt });
    a.client.sendFrame({ type: 'refresh', token: 'garbage', id: 1 });
    a.client.sendFrame({ type: 'refresh', token: `alice:${clock.now() - 1}`, id: 2 });
    a.client.sendFrame({ type: 'refresh', token: 'boom', id: 3 });
    plain.client.sendFrame({ type: 'refresh', token: `bob:${clock.now() + 99_000}`, id: 4 });
    await flush();
    expect(a.after().map((f) => [f.type, 'code' in f ? f.code : undefined])).toEqual([
      ['error', 'forbidden'],
      ['error', 'forbidden'],
      ['error', 'internal_error'],
    ]);
    expect(plain.after()).toEqual([
      { type: 'error', id: 4, code: 'forbidden', message: 'refresh is not enabled on this server' },
    ]);
    for (const result of ['refused', 'expired', 'failed', 'unsupported']) {
      expect(count(m, 'ws_refreshes_total', { result })).toBe(1);
    }
    clock.advance(3_000);
    expect(a.client.closed?.code).toBe(CloseCode.sessionExpired);
    expect(plain.client.closed?.code).toBe(CloseCode.sessionExpired);
    await m.close();
  });

  it(`refuses a token that is not a string of 1-${MAX_REFRESH_TOKEN_BYTES} UTF-8 bytes with bad_request`, async () => {
    const m = testManager();
    const a = await m.connect('alice', { refresh });
    const tooLong = 'é'.repeat(MAX_REFRESH_TOKEN_BYTES / 2 + 1); // 2 bytes each: 4098 bytes
    for (const token of [tooLong, '', 42, undefined]) {
      a.client.sendFrame({ type: 'refresh', token, id: 'x' });
    }
    a.client.sendFrame({ type: 'refresh', token: `alice:${Date.now() + 60_000}`, id: 'ok' });
    await flush();
    const codes = a.after().map((f) => ('code' in f ? f.code : f.type));
    expect(codes).toEqual(['bad_request', 'bad_request', 'bad_request', 'bad_request', 'ack']);
    await m.close();
  });
});
