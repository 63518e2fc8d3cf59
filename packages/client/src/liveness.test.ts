/**
 * Liveness on a manual clock (vitest's fake timers drive the client's default timers and
 * `Date.now`), with the scriptable fake socket playing the server.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeNetwork, seededRandom } from '../test/fakeWebSocket.js';
import type { FakeNetwork } from '../test/fakeWebSocket.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { ClientError } from './errors.js';
import type { ClientOptions } from './options.js';
import { record } from '../test/record.js';

let net: FakeNetwork;
let client: Client | undefined;

const tick = async (ms = 0): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

function make(options: Partial<ClientOptions> = {}): Client {
  client = createClient({
    url: 'ws://chat.test/ws',
    WebSocket: net.WebSocket,
    random: seededRandom(7),
    ...options,
  });
  return client;
}

const heartbeat = { intervalMs: 1000, timeoutMs: 500 };

beforeEach(() => {
  vi.useFakeTimers();
  net = createFakeNetwork();
});
afterEach(() => {
  client?.close();
  client = undefined;
  vi.useRealTimers();
});

describe('liveness (welcome.heartbeat)', () => {
  it('with regular traffic, 100 intervals pass without a ping or a reconnect', async () => {
    const c = make();
    const reconnecting = record(c, 'reconnecting');
    await tick();
    net.last().accept({ heartbeat });
    for (let t = 0; t < 100 * heartbeat.intervalMs; t += 400) {
      await tick(400);
      net.last().push({ type: 'message', from: null, data: t });
    }
    expect(net.sockets).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(net.last().sentOf('ping')).toEqual([]);
    expect(c.state).toBe('open');
  });

  it('on an idle but healthy link, pings once per interval and, answered, never reconnects in 100 intervals', async () => {
    const c = make();
    const reconnecting = record(c, 'reconnecting');
    await tick();
    const s = net.last();
    s.accept({ heartbeat });
    let answered = 0;
    for (let t = 0; t < 100 * heartbeat.intervalMs; t += 100) {
      await tick(100);
      while (answered < s.sentOf('ping').length) {
        answered++;
        s.push({ type: 'pong' });
      }
    }
    expect(net.sockets).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(s.sentOf('ping')).toHaveLength(100);
    expect(c.state).toBe('open');
  });

  it('with no traffic: pings at intervalMs, gives the socket up at intervalMs + timeoutMs, reconnects and resumes', async () => {
    const c = make();
    const reconnecting = record(c, 'reconnecting');
    const opens = record(c, 'open');
    await tick();
    const first = net.last();
    first.accept({ heartbeat });
    await tick(999);
    expect(first.sentOf('ping')).toEqual([]);
    await tick(1);
    expect(first.sentOf('ping')).toEqual([{ type: 'ping' }]);
    await tick(499);
    expect(c.state).toBe('open');
    expect(reconnecting).toEqual([]);
    await tick(1);
    expect(reconnecting).toEqual([
      expect.objectContaining({
        code: 1006,
        reason: 'no traffic for 1500 ms (heartbeat 1000 + 500 ms)',
        willRetry: true,
      }),
    ]);
    expect(first.clientClose?.code).toBe(1000);
    expect(first.sentOf('ping')).toHaveLength(1);
    await tick(reconnecting[0]?.delayMs ?? 0);
    expect(net.sockets).toHaveLength(2);
    expect(net.last().url.searchParams.get('resume')).toBe('rt1');
    net.last().accept({ heartbeat });
    expect(opens.map((o) => o.resumed)).toEqual([false, true]);
  });

  it('uses the heartbeat option against a server whose welcome has none; the welcome figures win', async () => {
    const c = make({ heartbeat: { intervalMs: 2000, timeoutMs: 1000 } });
    const reconnecting = record(c, 'reconnecting');
    await tick();
    net.last().accept();
    await tick(2000);
    expect(net.last().sentOf('ping')).toHaveLength(1);
    await tick(999);
    expect(reconnecting).toEqual([]);
    await tick(1);
    expect(reconnecting.map((r) => r.reason)).toEqual([
      'no traffic for 3000 ms (heartbeat 2000 + 1000 ms)',
    ]);
    await tick(reconnecting[0]?.delayMs ?? 0);
    net.last().accept({ heartbeat });
    await tick(1500);
    expect(reconnecting.map((r) => r.reason)).toHaveLength(2);
    expect(reconnecting[1]?.reason).toBe('no traffic for 1500 ms (heartbeat 1000 + 500 ms)');
  });

  it('is off without figures, and with heartbeat: false even when the welcome has them', async () => {
    for (const options of [{}, { heartbeat: false as const }]) {
      net = createFakeNetwork();
      const c = make(options);
      const reconnecting = record(c, 'reconnecting');
      await tick();
      net.last().accept('heartbeat' in options ? { heartbeat } : {});
      await tick(100 * heartbeat.intervalMs);
      expect(net.last().sentOf('ping')).toEqual([]);
      expect(reconnecting).toEqual([]);
      c.close();
    }
  });

  it('clears its timer when the socket closes or the client closes', async () => {
    const c = make();
    await tick();
    net.last().accept({ heartbeat });
    c.close();
    expect(vi.getTimerCount()).toBe(0);
    await tick(10 * heartbeat.intervalMs);
    expect(net.last().sentOf('ping')).toEqual([]);
  });

  it('ignores malformed welcome figures (falls back to the option, or off)', async () => {
    const c = make();
    const reconnecting = record(c, 'reconnecting');
    await tick();
    net.last().push({
      type: 'welcome',
      connectionId: 'c',
      userId: 'u',
      instanceId: 'i',
      resumeToken: 'r',
      restored: [],
      heartbeat: { intervalMs: -1, timeoutMs: 'x' },
    });
    await tick(100_000);
    expect(net.last().sentOf('ping')).toEqual([]);
    expect(reconnecting).toEqual([]);
    expect(c.state).toBe('open');
  });

  it('refuses bad heartbeat options with invalid_options', () => {
    for (const hb of [
      { intervalMs: 0, timeoutMs: 1 },
      { intervalMs: 10, timeoutMs: -1 },
      { intervalMs: 10 },
      null,
    ]) {
      expect(() => make({ heartbeat: hb as never, autoConnect: false })).toThrow(
        expect.objectContaining({ code: 'invalid_options' }) as ClientError,
      );
    }
  });
});
