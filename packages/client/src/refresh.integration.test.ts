/**
 * Credentials refreshed in place against a real server (core + protocols on 127.0.0.1, undici's
 * WebSocket): tokens `<user>.<n>` live 1,500 ms; the client refreshes ahead of each expiry with
 * no reconnect and no missed message, a token naming another user is refused and changes
 * nothing, and a connection that does not refresh (client option off, or a server without
 * `refresh`) still closes with 4102 and reconnects with a fresh token.
 */
import { CloseCode, threadId } from '@ws/core';
import type { RefreshCredentials } from '@ws/core';
import type { Authenticate } from '@ws/protocols/ws';
import { waitFor } from '@ws/testkit';
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { createClient } from './client.js';
import type { Client, ClientOptions } from './index.js';
import { record } from '../test/record.js';

const LIFETIME_MS = 1_500;

/** `<user>.<n>` -> that user, expiring LIFETIME_MS from now; anything else refused. */
function credentials(token: string | undefined): { userId: string; expiresAt: number } | null {
  const user = token?.split('.')[0];
  return user === undefined || user === '' || token === user
    ? null
    : { userId: user, expiresAt: Date.now() + LIFETIME_MS };
}
const authenticate: Authenticate = (_req, token) => credentials(token);
const refresh: RefreshCredentials = (token) => credentials(token);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

async function server(withRefresh: boolean): Promise<RealServer> {
  const s = await startServer({
    attach: { authenticate, ...(withRefresh ? { refresh } : {}) },
  });
  cleanups.push(() => s.close());
  return s;
}

function client(s: RealServer, tokens: () => string, o: Partial<ClientOptions> = {}): Client {
  const c = createClient({
    url: s.url,
    getToken: tokens,
    WebSocket,
    refreshAheadMs: 1_000,
    backoff: { minMs: 20, maxMs: 200 },
    ...o,
  });
  cleanups.push(() => c.close());
  return c;
}

/** Publishes 0, 1, 2... to `room` every 20 ms until stopped; returns how many. */
function publishing(s: RealServer): () => number {
  let n = 0;
  const timer = setInterval(() => void s.manager.sendToThread(threadId('room'), n++), 20);
  cleanups.push(() => clearInterval(timer));
  return () => {
    clearInterval(timer);
    return n;
  };
}

describe('refresh in place', () => {
  it('three refreshes in a row: no reconnect, no missed message', async () => {
    const s = await server(true);
    let n = 0;
    const c = client(s, () => `alice.${++n}`);
    const opens = record(c, 'open');
    const refreshed = record(c, 'refreshed');
    const reconnecting = record(c, 'reconnecting');
    const errors = record(c, 'error');
    const got: unknown[] = [];
    await c.subscribe('room', (m) => got.push(m.data)).joined;
    const stop = publishing(s);
    await waitFor(() => refreshed.length >= 3, { timeoutMs: 20_000, message: 'three refreshes' });
    const total = stop();
    await waitFor(() => got.length >= total, { timeoutMs: 10_000, message: 'every message' });
    expect(got).toEqual(Array.from({ length: total }, (_v, i) => i));
    expect(opens).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(errors).toEqual([]);
    for (const r of refreshed) expect(r.expiresAt).toBeGreaterThan(Date.now() - LIFETIME_MS * 4);
    // The connection outlived its first credentials several times over.
    expect([...s.ctx.connections()]).toHaveLength(1);
  }, 40_000);

  it("a token naming another user is refused: the connection stays alice's, its expiry kept", async () => {
    const s = await server(true);
    const tokens = ['alice.1', 'mallory.1'];
    const c = client(s, () => tokens.shift() ?? 'alice.later', { refreshAheadMs: 500 });
    const errors = record(c, 'error');
    const reconnecting = record(c, 'reconnecting');
    const opens = record(c, 'open');
    c.on('reconnecting', () => c.close());
    const toAlice: unknown[] = [];
    c.on('message', (m) => toAlice.push(m.data));
    await waitFor(() => opens.length === 1, { timeoutMs: 10_000, message: 'open' });
    await waitFor(() => errors.length === 1, { timeoutMs: 10_000, message: 'refusal reported' });
    expect(errors[0]?.code).toBe('forbidden');
    expect(errors[0]?.message).toMatch(/another user/);
    expect([...s.ctx.connections()].map((x) => x.userId)).toEqual(['alice']);
    await s.manager.sendToUser('alice' as never, 'still alice');
    await waitFor(() => toAlice.includes('still alice'), { timeoutMs: 5_000, message: 'direct' });
    // The old expiry held: the connection is closed with 4102 when alice's first token expires.
    await waitFor(() => reconnecting.length === 1, { timeoutMs: 10_000, message: '4102' });
    expect(reconnecting[0]?.code).toBe(CloseCode.sessionExpired);
  }, 30_000);

  it.each([
    ['the client does not refresh (refreshAheadMs: false)', true, { refreshAheadMs: false }],
    ['the server has no refresh', false, {}],
  ] as const)(
    'when %s, the connection still closes with 4102 and reconnects',
    async (_n, on, o) => {
      const s = await server(on);
      let n = 0;
      const c = client(s, () => `alice.${++n}`, o);
      const reconnecting = record(c, 'reconnecting');
      const opens = record(c, 'open');
      const refreshed = record(c, 'refreshed');
      const errors = record(c, 'error');
      await waitFor(() => opens.length === 2, { timeoutMs: 10_000, message: '4102 and back' });
      expect(reconnecting[0]?.code).toBe(CloseCode.sessionExpired);
      expect(refreshed).toEqual([]);
      if (on) expect(errors).toEqual([]);
      else expect(errors.map((e) => e.code)).toContain('forbidden');
    },
    30_000,
  );
});
