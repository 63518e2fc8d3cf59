/**
 * The client against a REAL server in Node: `@ws/core` + `@ws/protocols`' `attach` over HTTP on
 * 127.0.0.1, with undici's WHATWG `WebSocket`.
 */
import { CloseCode } from '@ws/core';
import type { ServerFrame } from '@ws/core';
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../test/fakeWebSocket.js';
import { sleep, waitFor } from '@ws/testkit';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { backoffCeiling } from './backoff.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { ClientMessage } from './events.js';
import { msgpackCodec } from './msgpack.js';
import type { ClientOptions } from './options.js';
import { record } from '../test/record.js';

const servers: RealServer[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(...args: Parameters<typeof startServer>): Promise<RealServer> {
  const s = await startServer(...args);
  servers.push(s);
  return s;
}

function client(url: string, options: Partial<ClientOptions> = {}): Client {
  const c = createClient({ url, token: 'good-alice', WebSocket, ...options });
  clients.push(c);
  return c;
}

async function opened(c: Client): Promise<void> {
  await waitFor(() => c.state === 'open', { timeoutMs: 10_000, message: 'open' });
}

describe('against a real server (core + protocols)', () => {
  it('round trip: join, publish (ack with offset), thread message to every member, direct message', async () => {
    const s = await server();
    const alice = client(s.url);
    const bob = client(s.url, { token: 'good-bob' });
    const aliceGot: ClientMessage[] = [];
    const bobGot: ClientMessage[] = [];
    alice.on('message', (m) => aliceGot.push(m));
    const bobRoom = bob.subscribe('room', (m) => bobGot.push(m));
    await alice.join('room');
    await bobRoom.joined;
    const { offset } = await alice.publish('room', { text: 'hello' });
    expect(offset).toMatch(/^\d+-\d+$/);
    await waitFor(() => aliceGot.length === 1 && bobGot.length === 1, {
      timeoutMs: 10_000,
      message: 'both got it',
    });
    expect(bobGot[0]).toEqual({ thread: 'room', from: 'alice', data: { text: 'hello' }, offset });
    expect(aliceGot[0]).toEqual({ thread: 'room', from: 'alice', data: { text: 'hello' }, offset });
    expect(alice.lastOffset('room')).toBe(offset);
    await bob.direct('alice', 'psst');
    await waitFor(() => aliceGot.length === 2, { timeoutMs: 10_000, message: 'direct' });
    expect(aliceGot[1]).toEqual({ from: 'bob', data: 'psst' });
    expect(alice.userId).toBe('alice');
    expect(alice.instanceId).toBe(s.manager.instanceId);
  });

  it('speaks wsm.v1.msgpack', async () => {
    const s = await server();
    const c = client(s.url, { protocol: 'msgpack', codec: msgpackCodec() });
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    await c.join('bin');
    await c.publish('bin', { n: 1, list: [1, 'two', null] });
    await waitFor(() => got.length === 1, { timeoutMs: 10_000, message: 'message' });
    expect(got[0]?.data).toEqual({ n: 1, list: [1, 'two', null] });
    const conn = [...s.ctx.connections()][0];
    expect(conn?.protocol).toBe('wsm.v1.msgpack');
  });

  it("answers the server's application-level ping with pong", async () => {
    const s = await server();
    const c = client(s.url);
    await opened(c);
    const pongs: string[] = [];
    s.manager.on('pong', (conn, kind) => pongs.push(`${conn.userId}:${kind}`));
    s.ctx.getConnection(c.connectionId as never)?.send({ type: 'ping' });
    await waitFor(() => pongs.length === 1, { timeoutMs: 10_000, message: 'pong' });
    expect(pongs).toEqual(['alice:application']);
  });

  it('rejects with the server error code', async () => {
    const s = await server({ manager: { authorizeThread: (_u, t) => t !== 'secret' } });
    const c = client(s.url);
    await expect(c.join('secret')).rejects.toMatchObject({
      name: 'ClientError',
      code: 'forbidden',
    });
    await expect(c.publish('room', 1)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(c.join('bad thread id!')).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('a 4100 close (evicted by a newer connection) is not retried', async () => {
    const s = await server({ manager: { maxConnectionsPerUser: 1, onUserLimit: 'evict-oldest' } });
    const first = client(s.url, { autoConnect: false, backoff: { minMs: 10, maxMs: 50 } });
    const connecting = record(first, 'connecting');
    const closed = record(first, 'closed');
    const reconnecting = record(first, 'reconnecting');
    first.connect();
    await opened(first);
    const second = client(s.url);
    await opened(second);
    await waitFor(() => first.state === 'closed', { timeoutMs: 10_000, message: 'first closed' });
    expect(closed).toEqual([
      { code: CloseCode.evicted, reason: expect.any(String) as string, willRetry: false },
    ]);
    // Long enough for many retries at this backoff: none happens.
    await sleep(1000);
    expect(connecting).toHaveLength(1);
    expect(reconnecting).toEqual([]);
    expect(s.manager.getStats().connections).toBe(1);
    expect(second.state).toBe('open');
    await expect(first.publish('room', 1)).rejects.toMatchObject({ code: 'closed' });
  });

  it('a 4101 close (user limit, reject policy) is not retried', async () => {
    const s = await server({ manager: { maxConnectionsPerUser: 1, onUserLimit: 'reject' } });
    const first = client(s.url);
    await opened(first);
    const second = client(s.url, { autoConnect: false, backoff: { minMs: 10, maxMs: 50 } });
    const connecting = record(second, 'connecting');
    const closed = record(second, 'closed');
    second.connect();
    await waitFor(() => second.state === 'closed', { timeoutMs: 10_000, message: 'second closed' });
    await sleep(500);
    expect(closed).toEqual([
      { code: CloseCode.userLimit, reason: expect.any(String) as string, willRetry: false },
    ]);
    expect(connecting).toHaveLength(1);
    expect(first.state).toBe('open');
  });

  it('drops duplicates: a redelivered message is never shown twice', async () => {
    const s = await server();
    const c = client(s.url);
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    await c.join('room');
    for (let i = 1; i <= 5; i++) await c.publish('room', i);
    await waitFor(() => got.length === 5, { timeoutMs: 10_000, message: '5 messages' });
    const conn = s.ctx.getConnection(c.connectionId as never);
    expect(conn).toBeDefined();
    // Redeliver messages 2 and 3 (an at-least-once path), then a new one.
    for (const m of [got[1], got[2]]) {
      conn?.send({
        type: 'message',
        thread: 'room',
        from: m?.from ?? null,
        data: m?.data,
        offset: m?.offset,
      } as ServerFrame);
    }
    await c.publish('room', 6);
    await waitFor(() => got.length === 6, { timeoutMs: 10_000, message: '6 messages' });
    await sleep(50);
    expect(got.map((m) => m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.stats().duplicatesDropped).toBe(2);
  });

  it('answers a server resync with resume from its last offset', async () => {
    const s = await server();
    const c = client(s.url);
    const got: ClientMessage[] = [];
    const resumed = record(c, 'resumed');
    c.on('message', (m) => got.push(m));
    await c.join('room');
    await c.publish('room', 'a');
    await waitFor(() => got.length === 1, { timeoutMs: 10_000, message: 'a' });
    const conn = s.ctx.getConnection(c.connectionId as never);
    expect(conn).toBeDefined();
    const resumes: unknown[] = [];
    s.ctx.inbound((_conn, frame, next) => {
      if (frame.type === 'resume') resumes.push(frame);
      return next();
    });
    conn?.send({ type: 'resync', thread: 'room' });
    await waitFor(() => resumed.length === 1, { timeoutMs: 10_000, message: 'resumed' });
    expect(resumes).toEqual([
      {
        type: 'resume',
        thread: 'room',
        offset: c.lastOffset('room'),
        id: expect.any(Number) as number,
      },
    ]);
    expect(resumed).toEqual([{ thread: 'room', recovered: true }]);
    await c.publish('room', 'b');
    await waitFor(() => got.length === 2, { timeoutMs: 10_000, message: 'b' });
    expect(got.map((m) => m.data)).toEqual(['a', 'b']);
  });

  it('reconnects with jittered backoff within bounds while the server is down, then resumes and sends queued publishes', async () => {
    const s = await server();
    const bo = { minMs: 40, maxMs: 320, factor: 2 };
    const c = client(s.url, { backoff: bo, random: seededRandom(99), maxQueued: 2 });
    const reconnecting = record(c, 'reconnecting');
    const connectingAt: number[] = [];
    c.on('connecting', () => connectingAt.push(Date.now()));
    const reconnectingAt: number[] = [];
    c.on('reconnecting', () => reconnectingAt.push(Date.now()));
    const resumed = record(c, 'resumed');
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    await c.join('room');
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    await waitFor(() => reconnecting.length >= 6, {
      timeoutMs: 20_000,
      message: '6 failed attempts',
    });
    expect(reconnecting[0]?.code).toBe(CloseCode.goingAway);
    for (const r of reconnecting) {
      expect(r.willRetry).toBe(true);
      expect(r.delayMs).toBeGreaterThanOrEqual(0);
      expect(r.delayMs).toBeLessThanOrEqual(backoffCeiling(r.attempt - 1, bo));
      expect(r.code === CloseCode.goingAway || r.code === CloseCode.abnormal).toBe(true);
    }
    expect(reconnecting.map((r) => r.attempt)).toEqual(reconnecting.map((_r, i) => i + 1));
    // A timer never fires early: each attempt starts at least delayMs after it was scheduled
    // (the first 'connecting' was emitted inside createClient, before the listener).
    for (let i = 0; i < 5; i++) {
      const scheduled = reconnectingAt[i] ?? Number.NaN;
      const started = connectingAt[i] ?? Number.NaN;
      expect(started - scheduled).toBeGreaterThanOrEqual((reconnecting[i]?.delayMs ?? 0) - 2);
    }
    // Publishes made while down are queued (bounded), then sent after the reconnect.
    const queued = [c.publish('room', 'q1'), c.publish('room', 'q2')];
    await expect(c.publish('room', 'q3')).rejects.toMatchObject({ code: 'queue_full' });
    const again = await server({ port: s.port });
    await waitFor(() => c.state === 'open', { timeoutMs: 10_000, message: 'reopened' });
    await expect(Promise.all(queued)).resolves.toHaveLength(2);
    await waitFor(() => got.length === 2, { timeoutMs: 10_000, message: 'queued messages echoed' });
    expect(got.map((m) => m.data)).toEqual(['q1', 'q2']);
    // A new server process has no session: the thread is joined anew and the gap is reported.
    expect(resumed).toEqual([{ thread: 'room', recovered: false }]);
    expect(c.instanceId).toBe(again.manager.instanceId);
  });

  it('4102: gets a fresh token once and reconnects with it', async () => {
    const s = await server({
      manager: { sweepIntervalMs: 50 },
      attach: {
        authenticate: (_req, token) => {
          const m = /^good-(\w+)\.(short|long)$/.exec(token ?? '');
          if (m === null) return null;
          return {
            userId: m[1] as string,
            ...(m[2] === 'short' ? { expiresAt: Date.now() + 300 } : {}),
          };
        },
      },
    });
    const tokens = ['good-alice.short', 'good-alice.long'];
    let calls = 0;
    const c = client(s.url, {
      token: undefined as never,
      getToken: () => {
        calls++;
        return tokens.shift();
      },
    });
    const reconnecting = record(c, 'reconnecting');
    await opened(c);
    await waitFor(() => reconnecting.length === 1 && c.state === 'open', {
      timeoutMs: 15_000,
      message: '4102 and back',
    });
    expect(reconnecting[0]).toMatchObject({
      code: CloseCode.sessionExpired,
      willRetry: true,
      delayMs: 0,
    });
    expect(calls).toBe(2);
    await c.join('room');
  });
});
