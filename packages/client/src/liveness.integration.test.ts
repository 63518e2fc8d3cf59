/**
 * A network that dies silently, for real: a real server (core + protocols + `@ws/heartbeat`'s
 * test preset, 1000 ms / 500 ms) behind a TCP proxy that, on command, stops forwarding both ways
 * while keeping both TCP connections open. The client notices from the welcome's heartbeat
 * figures, reconnects through a fresh proxied connection and resumes with no message lost.
 */
import { threadId } from '@ws/core';
import { heartbeat } from '@ws/heartbeat';
import { waitFor } from '@ws/testkit';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { startStallProxy } from '../test/stallProxy.js';
import type { StallProxy } from '../test/stallProxy.js';
import { createClient } from './client.js';
import type { WebSocketConstructor } from './socket.js';
import { record } from '../test/record.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

const implementations: [string, WebSocketConstructor][] = [
  ['undici', UndiciWebSocket],
  ['ws', WsWebSocket],
];

describe.each(implementations)('a silently dead network (over %s)', (_name, WebSocket) => {
  it('is noticed from welcome.heartbeat, and the client reconnects through a fresh path and resumes with 0 lost messages', async () => {
    const s: RealServer = await startServer();
    cleanups.push(() => s.close());
    s.manager.use(heartbeat({ preset: 'test' }));
    const proxy: StallProxy = await startStallProxy(s.port);
    cleanups.push(() => proxy.close());
    const c = createClient({
      url: proxy.url,
      token: 'good-alice',
      WebSocket,
      backoff: { minMs: 20, maxMs: 200 },
    });
    cleanups.push(() => c.close());
    const reconnecting = record(c, 'reconnecting');
    const opens = record(c, 'open');
    const resumed = record(c, 'resumed');
    const errors = record(c, 'error');
    // The state when `reconnecting` fires (polling it later races the 20 ms backoff's reopen).
    const statesAtReconnecting: string[] = [];
    c.on('reconnecting', () => statesAtReconnecting.push(c.state));
    const got: unknown[] = [];
    const room = c.subscribe('room', (m) => got.push(m.data));
    await room.joined;
    expect(opens).toHaveLength(1);

    // A thread that keeps receiving publishes the whole time (50 per second).
    let published = 0;
    const publisher = setInterval(() => {
      void s.manager.sendToThread(threadId('room'), published++);
    }, 20);
    cleanups.push(() => clearInterval(publisher));
    await waitFor(() => got.length >= 10, { timeoutMs: 10_000, message: 'first messages' });

    proxy.stall();
    const stalledAt = Date.now();
    await waitFor(() => reconnecting.length >= 1, {
      timeoutMs: 20_000,
      message: 'the client noticed the dead network',
    });
    const noticedAfter = Date.now() - stalledAt;
    expect(reconnecting[0]).toMatchObject({ code: 1006, willRetry: true });
    expect(reconnecting[0]?.reason).toMatch(/^no traffic for \d+ ms \(heartbeat 1000 \+ 500 ms\)$/);
    // 1500 ms of silence at the most after the last frame; wide margin for a loaded machine.
    expect(noticedAfter).toBeLessThan(10_000);
    expect(statesAtReconnecting[0]).not.toBe('open');

    await waitFor(() => opens.length === 2 && resumed.length === 1, {
      timeoutMs: 20_000,
      message: 'reopened and resumed',
    });
    expect(proxy.accepted).toBe(2);
    expect(opens[1]?.resumed).toBe(true);

    const before = got.length;
    await waitFor(() => got.length >= before + 10, { timeoutMs: 10_000, message: 'flowing again' });
    clearInterval(publisher);
    const total = published;
    await waitFor(() => got.length >= total, { timeoutMs: 10_000, message: 'every message' });
    expect(got).toEqual(Array.from({ length: total }, (_v, i) => i));
    expect(reconnecting).toHaveLength(1);
    expect(opens).toHaveLength(2);
    expect(resumed).toEqual([{ thread: 'room', recovered: true }]);
    expect(errors).toEqual([]);
  }, 60_000);
});
