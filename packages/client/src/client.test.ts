import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeNetwork, seededRandom } from '../test/fakeWebSocket.js';
import type { FakeNetwork } from '../test/fakeWebSocket.js';
import { backoffCeiling } from './backoff.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { ClientOptions } from './options.js';
import type { ClientMessage } from './events.js';
import { ClientError } from './errors.js';
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
    // The WebSocket state machine alone; the HTTP fallback has its own tests (transports.test.ts).
    transports: ['websocket'],
    random: seededRandom(7),
    ...options,
  });
  return client;
}

/** Answers every request the client sent on the current socket with an ack (and an offset for publish). */
function ackAll(offsetFor?: (n: number) => string): void {
  const s = net.last();
  let n = 0;
  for (const f of s.sent) {
    if (!('id' in f) || f.id === undefined) continue;
    s.push(
      f.type === 'publish' && offsetFor
        ? { type: 'ack', id: f.id, offset: offsetFor(++n) }
        : { type: 'ack', id: f.id },
    );
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  net = createFakeNetwork();
});
afterEach(() => {
  client?.close();
  client = undefined;
  vi.useRealTimers();
});

describe('connecting', () => {
  it('offers wsm.v1.json, sends the token in the query and goes connecting -> open', async () => {
    const c = make({ token: 's3cret' });
    const connecting = record(c, 'connecting');
    const opened = record(c, 'open');
    expect(c.state).toBe('connecting');
    const s = net.last();
    expect(s.protocols).toEqual(['wsm.v1.json']);
    expect(s.url.searchParams.get('token')).toBe('s3cret');
    expect(s.url.searchParams.has('resume')).toBe(false);
    s.accept({ connectionId: 'c-1', userId: 'alice', instanceId: 'a' });
    expect(c.state).toBe('open');
    expect(c.connectionId).toBe('c-1');
    expect(c.userId).toBe('alice');
    expect(opened).toEqual([
      {
        url: 'ws://chat.test/ws',
        connectionId: 'c-1',
        userId: 'alice',
        instanceId: 'a',
        restored: [],
        resumed: false,
        transport: 'websocket',
      },
    ]);
    expect(connecting).toEqual([]); // emitted before the listener was added
    await tick();
  });

  it('gets the token from getToken before connecting', async () => {
    const getToken = vi.fn(() => Promise.resolve('t-1'));
    make({ getToken });
    await tick();
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(net.last().url.searchParams.get('token')).toBe('t-1');
  });

  it('throws invalid_options without a WebSocket, or msgpack without its codec', () => {
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      expect(() => createClient({ url: 'ws://x/ws' })).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
    expect(() =>
      createClient({ url: 'ws://x/ws', WebSocket: net.WebSocket, protocol: 'msgpack' }),
    ).toThrow(/msgpackCodec/);
  });

  it('opens no socket when closed while getToken runs', async () => {
    let resolveToken: (t: string) => void = () => undefined;
    const c = make({ getToken: () => new Promise<string>((r) => (resolveToken = r)) });
    c.close();
    resolveToken('late');
    await tick(1000);
    expect(net.sockets).toHaveLength(0);
    expect(c.state).toBe('closed');
  });

  it('opens one socket when connect() is called while a 4102 refresh runs', async () => {
    const tokens: ((t: string) => void)[] = [];
    const c = make({ token: 't0', getToken: () => new Promise<string>((r) => tokens.push(r)) });
    net.last().accept();
    net.last().drop(4102);
    expect(c.state).toBe('reconnecting');
    c.connect();
    tokens[0]?.('t1');
    await tick(1000);
    expect(net.sockets).toHaveLength(2);
  });

  it('validates its options with invalid_options', () => {
    const bad: Partial<ClientOptions>[] = [
      { url: 'not a url' },
      { url: 'http://chat.test/ws' },
      { requestTimeoutMs: 0 },
      { connectTimeoutMs: -1 },
      { maxQueued: 1.5 },
      { backoff: { factor: 0.5 } },
      { backoff: { minMs: 1000, maxMs: 10 } },
      { policyWaitMs: Number.NaN },
    ];
    for (const o of bad) {
      expect(() =>
        createClient({
          url: 'ws://chat.test/ws',
          WebSocket: net.WebSocket,
          autoConnect: false,
          ...o,
        }),
      ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    }
    expect(net.sockets).toHaveLength(0);
  });

  it('does not connect before connect() with autoConnect: false', async () => {
    const c = make({ autoConnect: false });
    await tick(1000);
    expect(c.state).toBe('idle');
    expect(net.sockets).toHaveLength(0);
    c.connect();
    expect(net.sockets).toHaveLength(1);
  });

  it('counts a socket without welcome in time as failed and retries', async () => {
    const c = make({ connectTimeoutMs: 1000, backoff: { minMs: 100 } });
    const reconnecting = record(c, 'reconnecting');
    await tick(1000);
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]?.code).toBe(1006);
    expect(net.last().clientClose?.code).toBe(1000);
    await tick(100);
    expect(net.sockets).toHaveLength(2);
  });
});

describe('requests', () => {
  it('settles join, publish and direct by ack, with the publish offset', async () => {
    const c = make();
    net.last().accept();
    const joined = c.join('room');
    const published = c.publish('room', { text: 'hi' });
    const direct = c.direct('bob', 'psst');
    const s = net.last();
    expect(s.sent).toEqual([
      { type: 'join', thread: 'room', id: 1 },
      { type: 'publish', thread: 'room', data: { text: 'hi' }, id: 2 },
      { type: 'direct', to: 'bob', data: 'psst', id: 3 },
    ]);
    s.push({ type: 'ack', id: 1 });
    s.push({ type: 'ack', id: 2, offset: '5-1' });
    s.push({ type: 'ack', id: 3 });
    await expect(joined).resolves.toBeUndefined();
    await expect(published).resolves.toEqual({ offset: '5-1' });
    await expect(direct).resolves.toBeUndefined();
    expect(c.threads()).toEqual(['room']);
  });

  it('sends volatile publish and direct without an id, only while open, and expects no ack', async () => {
    const c = make({ requestTimeoutMs: 1000 });
    const errors = record(c, 'error');
    expect(c.publishVolatile('room', 'early')).toBe(false);
    net.last().accept();
    expect(c.publishVolatile('room', { x: 1 })).toBe(true);
    expect(c.directVolatile('bob', 'psst')).toBe(true);
    const s = net.last();
    expect(s.sent).toEqual([
      { type: 'publish', thread: 'room', data: { x: 1 } },
      { type: 'direct', to: 'bob', data: 'psst' },
    ]);
    expect(c.stats().inFlight).toBe(0);
    // No ack is owed: nothing times out.
    await tick(2000);
    expect(errors).toEqual([]);
    // A refusal comes back without id, as an error event.
    s.push({ type: 'error', code: 'forbidden', message: 'join "room" before publishing to it' });
    expect(errors.map((e) => e.code)).toEqual(['forbidden']);
    expect(() => c.publishVolatile('', 1)).toThrow(ClientError);
    c.close();
    expect(c.directVolatile('bob', 'late')).toBe(false);
  });

  it('rejects with a ClientError carrying the error frame code and message', async () => {
    const c = make();
    net.last().accept();
    const joined = c.join('secret');
    net
      .last()
      .push({ type: 'error', id: 1, code: 'forbidden', message: 'not allowed to join "secret"' });
    const err = await joined.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({
      code: 'forbidden',
      message: 'not allowed to join "secret"',
      name: 'ClientError',
    });
    expect(c.threads()).toEqual([]);
  });

  it('rejects with timeout when no answer comes', async () => {
    const c = make({ requestTimeoutMs: 2000 });
    net.last().accept();
    const p = c.publish('room', 1);
    const settled = p.catch((e: unknown) => e);
    await tick(1999);
    expect(c.stats().inFlight).toBe(1);
    await tick(1);
    expect(await settled).toMatchObject({ code: 'timeout' });
    expect(c.stats().inFlight).toBe(0);
  });

  it('reports an error frame without id as an error event', async () => {
    const c = make();
    const errors = record(c, 'error');
    net.last().accept();
    net.last().push({ type: 'error', code: 'rate_limited', message: 'slow down' });
    expect(errors.map((e) => [e.code, e.message])).toEqual([['rate_limited', 'slow down']]);
  });

  it('answers a server ping with pong', () => {
    make();
    const s = net.last();
    s.accept();
    s.push({ type: 'ping' });
    expect(s.sent).toEqual([{ type: 'pong' }]);
  });

  it('reports undecodable and unknown frames and keeps going', async () => {
    const c = make();
    const errors = record(c, 'error');
    const s = net.last();
    s.accept();
    s.pushRaw('{not json');
    s.push({ type: 'bogus' });
    s.push({ type: 'message', from: 'bob', data: 1 });
    expect(errors.map((e) => e.code)).toEqual(['codec_error', 'codec_error']);
    await tick();
  });
});

describe('queueing while disconnected', () => {
  it('queues requests until welcome, then sends them in order', async () => {
    const c = make();
    const a = c.publish('room', 'a');
    const b = c.direct('bob', 'b');
    expect(c.stats().queued).toBe(2);
    const s = net.last();
    s.accept();
    expect(s.sent.map((f) => f.type)).toEqual(['publish', 'direct']);
    ackAll();
    await expect(Promise.all([a, b])).resolves.toEqual([{}, undefined]);
  });

  it('rejects with queue_full past maxQueued', async () => {
    const c = make({ maxQueued: 2 });
    const kept = [c.publish('room', 1), c.publish('room', 2)];
    const third = c.publish('room', 3);
    await expect(third).rejects.toMatchObject({
      code: 'queue_full',
      message: expect.stringMatching(/maxQueued/),
    });
    net.last().accept();
    ackAll();
    await expect(Promise.all(kept)).resolves.toHaveLength(2);
  });

  it('drops a queued request that timed out, so it is never sent late', async () => {
    const c = make({ requestTimeoutMs: 500 });
    const p = c.publish('room', 'late').catch((e: unknown) => e);
    await tick(500);
    expect(await p).toMatchObject({ code: 'timeout' });
    net.last().accept();
    expect(net.last().sent).toEqual([]);
  });

  it('rejects a publish in flight with connection_lost, and sends an in-flight join again', async () => {
    const c = make({ backoff: { minMs: 10 } });
    net.last().accept();
    const pub = c.publish('room', 1).catch((e: unknown) => e);
    const join = c.join('room');
    net.last().drop(1006);
    expect(await pub).toMatchObject({ code: 'connection_lost' });
    await tick(10);
    const s2 = net.last();
    s2.accept();
    expect(s2.sent).toEqual([{ type: 'join', thread: 'room', id: 2 }]);
    s2.push({ type: 'ack', id: 2 });
    await expect(join).resolves.toBeUndefined();
  });
});

describe('close codes', () => {
  for (const code of [4100, 4101]) {
    it(`never retries after ${code}`, async () => {
      const c = make();
      const closed = record(c, 'closed');
      const reconnecting = record(c, 'reconnecting');
      net.last().accept();
      const queued = c.publish('room', 1).catch((e: unknown) => e);
      net.last().drop(code, 'bye');
      await tick(120_000);
      expect(net.sockets).toHaveLength(1);
      expect(reconnecting).toEqual([]);
      expect(closed).toEqual([{ code, reason: 'bye', willRetry: false }]);
      expect(c.state).toBe('closed');
      expect(await queued).toMatchObject({ code: 'connection_lost' });
      await expect(c.publish('room', 2)).rejects.toMatchObject({ code: 'closed' });
    });
  }

  it('4102: calls getToken once and reconnects with a fresh token', async () => {
    const tokens = ['t1', 't2', 't3'];
    const getToken = vi.fn(() => tokens.shift());
    const c = make({ getToken });
    await tick();
    net.last().accept();
    net.last().drop(4102, 'expired');
    await tick();
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(net.sockets).toHaveLength(2);
    expect(net.last().url.searchParams.get('token')).toBe('t2');
    // A second 4102 before any welcome: the fresh token did not help, stop.
    const closed = record(c, 'closed');
    net.last().drop(4102, 'expired');
    await tick(60_000);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(net.sockets).toHaveLength(2);
    expect(closed).toEqual([{ code: 4102, reason: 'expired', willRetry: false }]);
  });

  it('4102: stops when getToken returns the same token, or there is no getToken', async () => {
    const c = make({ getToken: () => 'same' });
    await tick();
    net.last().accept();
    const closed = record(c, 'closed');
    net.last().drop(4102);
    await tick(60_000);
    expect(net.sockets).toHaveLength(1);
    expect(closed[0]).toMatchObject({ code: 4102, willRetry: false });
    c.close();

    const d = make({ token: 'static' });
    net.last().accept();
    net.last().drop(4102);
    await tick(60_000);
    expect(d.state).toBe('closed');
    expect(net.sockets).toHaveLength(2);
  });

  it('1008: waits policyWaitMs on top of the backoff', async () => {
    const c = make({ policyWaitMs: 5000, backoff: { minMs: 100 } });
    const reconnecting = record(c, 'reconnecting');
    net.last().accept();
    net.last().drop(1008, 'policy');
    expect(reconnecting[0]?.delayMs).toBeGreaterThanOrEqual(5000);
    expect(reconnecting[0]?.delayMs).toBeLessThanOrEqual(5100);
    await tick(4999);
    expect(net.sockets).toHaveLength(1);
    await tick(101);
    expect(net.sockets).toHaveLength(2);
  });

  it('1000 from the server stops; 1001, 1006, 1011, 1013, 4001 retry', async () => {
    for (const code of [1001, 1006, 1011, 1013, 4001]) {
      const c = make({ backoff: { minMs: 50 } });
      const reconnecting = record(c, 'reconnecting');
      net.last().accept();
      net.last().drop(code);
      expect(reconnecting.map((r) => [r.code, r.willRetry])).toEqual([[code, true]]);
      c.close();
    }
    const c = make();
    net.last().accept();
    net.last().drop(1000);
    expect(c.state).toBe('closed');
  });
});

describe('backoff', () => {
  it('grows with full jitter within [0, min(max, min * factor^n)] and resets once a connection lasted', async () => {
    const c = make({
      backoff: { minMs: 100, maxMs: 2000, factor: 2 },
      random: seededRandom(42),
      connectTimeoutMs: 600_000,
    });
    const reconnecting = record(c, 'reconnecting');
    for (let i = 0; i < 8; i++) {
      net.last().drop(1006);
      const r = reconnecting[i];
      expect(r?.attempt).toBe(i + 1);
      expect(r?.delayMs).toBeGreaterThanOrEqual(0);
      expect(r?.delayMs).toBeLessThanOrEqual(
        backoffCeiling(i, { minMs: 100, maxMs: 2000, factor: 2 }),
      );
      await tick(r?.delayMs ?? 0);
      expect(net.sockets).toHaveLength(i + 2);
    }
    // A connection dropped right after welcome does not reset the backoff...
    net.last().accept();
    net.last().drop(1006);
    expect(reconnecting[8]?.attempt).toBe(9);
    await tick(reconnecting[8]?.delayMs ?? 0);
    // ...one that stayed open for stableAfterMs does.
    net.last().accept();
    await tick(5000);
    net.last().drop(1006);
    expect(reconnecting[9]?.attempt).toBe(1);
    expect(reconnecting[9]?.delayMs).toBeLessThanOrEqual(100);
  });
});

describe('reconnect hints (1012)', () => {
  it('follows a hint to an allowed host after afterMs, and resumes there', async () => {
    const c = make({ allowedOrigins: ['chat.test', 'peer.test'] });
    const reconnecting = record(c, 'reconnecting');
    net.last().accept({ resumeToken: 'K1' });
    net.last().push({ type: 'reconnect', url: 'ws://peer.test:9000/ws', afterMs: 700 });
    net.last().drop(1012, 'draining');
    expect(reconnecting).toEqual([
      {
        code: 1012,
        reason: 'draining',
        willRetry: true,
        delayMs: 700,
        attempt: 0,
        url: 'ws://peer.test:9000/ws',
      },
    ]);
    await tick(699);
    expect(net.sockets).toHaveLength(1);
    await tick(1);
    const s2 = net.last();
    expect(s2.url.host).toBe('peer.test:9000');
    expect(s2.url.searchParams.get('resume')).toBe('K1');
    s2.accept();
    expect(c.url).toBe('ws://peer.test:9000/ws');
  });

  it('survives a hint that is not a URL', async () => {
    const c = make({ backoff: { minMs: 10 } });
    const errors = record(c, 'error');
    net.last().accept();
    net.last().push({ type: 'reconnect', url: '::not a url::', afterMs: 5 });
    net.last().drop(1012);
    await tick(5);
    expect(errors.map((e) => e.code)).toEqual(['hint_refused']);
    expect(net.sockets).toHaveLength(2);
  });

  it('refuses a hint to another host by default, and stays on its own URL', async () => {
    const c = make();
    const errors = record(c, 'error');
    net.last().accept();
    net.last().push({ type: 'reconnect', url: 'ws://evil.test/ws', afterMs: 10 });
    net.last().drop(1012);
    await tick(10);
    expect(errors.map((e) => e.code)).toEqual(['hint_refused']);
    expect(net.last().url.host).toBe('chat.test');
  });

  it('never follows a wss: client to ws:', async () => {
    make({ url: 'wss://chat.test/ws' });
    net.last().accept();
    net.last().push({ type: 'reconnect', url: 'ws://chat.test:81/ws', afterMs: 0 });
    net.last().drop(1012);
    await tick(0);
    expect(net.last().url.protocol).toBe('wss:');
    expect(net.last().url.host).toBe('chat.test');
  });

  it('falls back to the base URL when the hinted instance fails', async () => {
    make({ allowedOrigins: ['chat.test', 'peer.test'], backoff: { minMs: 10 } });
    net.last().accept();
    net.last().push({ type: 'reconnect', url: 'ws://peer.test/ws', afterMs: 0 });
    net.last().drop(1012);
    await tick(0);
    expect(net.last().url.host).toBe('peer.test');
    net.last().drop(1006);
    await tick(10);
    expect(net.last().url.host).toBe('chat.test');
  });
});

describe('threads, resume and duplicates', () => {
  const msg = (thread: string, offset: string, data: unknown) =>
    ({ type: 'message', thread, from: 'bob', data, offset }) as const;

  async function joinedClient(): Promise<{ c: Client; got: ClientMessage[] }> {
    const c = make({ backoff: { minMs: 10 } });
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    net.last().accept({ resumeToken: 'K1' });
    const j = c.join('room');
    ackAll();
    await j;
    return { c, got };
  }

  it('drops a live message whose offset was already delivered', async () => {
    const { c, got } = await joinedClient();
    const s = net.last();
    s.push(msg('room', '1-1', 'a'));
    s.push(msg('room', '1-2', 'b'));
    s.push(msg('room', '1-2', 'b'));
    s.push(msg('room', '1-1', 'a'));
    s.push(msg('room', '1-10', 'c'));
    expect(got.map((m) => m.data)).toEqual(['a', 'b', 'c']);
    expect(c.stats().duplicatesDropped).toBe(2);
    expect(c.lastOffset('room')).toBe('1-10');
  });

  it('resumes restored threads from the last offset, buffers live frames and de-duplicates the replay', async () => {
    const { c, got } = await joinedClient();
    const resumed = record(c, 'resumed');
    net.last().push(msg('room', '1-2', 'a'));
    net.last().drop(1006);
    await tick(10);
    const s2 = net.last();
    expect(s2.url.searchParams.get('resume')).toBe('K1');
    s2.accept({ restored: ['room'], resumeToken: 'K2' });
    expect(s2.sent).toEqual([{ type: 'resume', thread: 'room', offset: '1-2', id: 2 }]);
    // A live frame overtakes the replay; the replay repeats an old one.
    s2.push(msg('room', '1-5', 'd'));
    s2.push(msg('room', '1-2', 'a'));
    s2.push(msg('room', '1-3', 'b'));
    s2.push(msg('room', '1-4', 'c'));
    s2.push(msg('room', '1-5', 'd'));
    expect(got.map((m) => m.data)).toEqual(['a']); // nothing delivered before the resume ack
    s2.push({ type: 'ack', id: 2, recovered: true });
    await tick();
    expect(got.map((m) => m.data)).toEqual(['a', 'b', 'c', 'd']);
    expect(c.stats().duplicatesDropped).toBe(2);
    expect(resumed).toEqual([{ thread: 'room', recovered: true }]);
    s2.push(msg('room', '1-6', 'e'));
    expect(got.map((m) => m.data)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(c.stats().reconnects).toBe(1);
  });

  it('resumes from offset 0 (the session join) when nothing was received yet', async () => {
    await joinedClient();
    net.last().drop(1006);
    await tick(10);
    net.last().accept({ restored: ['room'] });
    expect(net.last().sent).toEqual([{ type: 'resume', thread: 'room', offset: '0', id: 2 }]);
  });

  it('reports recovered: false when the offset is outside the window', async () => {
    const { c } = await joinedClient();
    const resumed = record(c, 'resumed');
    net.last().drop(1006);
    await tick(10);
    net.last().accept({ restored: ['room'] });
    net.last().push({ type: 'ack', id: 2, recovered: false });
    await tick();
    expect(resumed).toEqual([{ thread: 'room', recovered: false }]);
  });

  it('joins a thread the server did not restore again, and reports recovered: false', async () => {
    const { c, got } = await joinedClient();
    const resumed = record(c, 'resumed');
    net.last().push(msg('room', '1-2', 'a'));
    net.last().drop(1006);
    await tick(10);
    const s2 = net.last();
    s2.accept({ restored: [] });
    expect(s2.sent).toEqual([{ type: 'join', thread: 'room', id: 2 }]);
    s2.push(msg('room', '1-9', 'z'));
    s2.push({ type: 'ack', id: 2 });
    await tick();
    expect(resumed).toEqual([{ thread: 'room', recovered: false }]);
    expect(got.map((m) => m.data)).toEqual(['a', 'z']);
  });

  it('reports rejoin_failed and forgets the thread when the join is refused', async () => {
    const { c } = await joinedClient();
    const errors = record(c, 'error');
    net.last().drop(1006);
    await tick(10);
    net.last().accept({ restored: [] });
    net.last().push({ type: 'error', id: 2, code: 'forbidden', message: 'no' });
    await tick();
    expect(errors.map((e) => e.code)).toEqual(['rejoin_failed']);
    expect(c.threads()).toEqual([]);
  });

  it('does not hold a thread in replay when its interrupted resume is followed by a queued join', async () => {
    const { c, got } = await joinedClient();
    const resumed = record(c, 'resumed');
    net.last().push(msg('room', '1-1', 'a'));
    net.last().push({ type: 'resync', thread: 'room' });
    const again = c.join('room');
    net.last().drop(1006);
    await tick(10);
    const s2 = net.last();
    s2.accept({ restored: [] });
    await tick();
    expect(resumed).toEqual([{ thread: 'room', recovered: false }]);
    expect(s2.sent).toEqual([{ type: 'join', thread: 'room', id: 3 }]);
    s2.push({ type: 'ack', id: 3 });
    await again;
    s2.push(msg('room', '1-2', 'b'));
    expect(got.map((m) => m.data)).toEqual(['a', 'b']);
  });

  it('answers resync with resume from the last offset', async () => {
    const { c, got } = await joinedClient();
    const s = net.last();
    s.push(msg('room', '1-2', 'a'));
    s.push({ type: 'resync', thread: 'room' });
    expect(s.sentOf('resume')).toEqual([{ type: 'resume', thread: 'room', offset: '1-2', id: 2 }]);
    s.push(msg('room', '1-4', 'c'));
    s.push(msg('room', '1-3', 'b'));
    s.push({ type: 'ack', id: 2, recovered: true });
    await tick();
    expect(got.map((m) => m.data)).toEqual(['a', 'b', 'c']);
    expect(c.lastOffset('room')).toBe('1-4');
  });

  it('delivers per-thread subscriptions and leaves when the last one unsubscribes', async () => {
    const c = make();
    net.last().accept();
    const seen: unknown[] = [];
    const sub = c.subscribe('room', (m) => seen.push(m.data));
    ackAll();
    await sub.joined;
    net.last().push(msg('room', '1-1', 'x'));
    net.last().push(msg('other', '1-2', 'y'));
    net.last().push({ type: 'message', from: 'bob', data: 'direct' });
    expect(seen).toEqual(['x']);
    const left = sub.unsubscribe();
    expect(net.last().sentOf('leave')).toEqual([{ type: 'leave', thread: 'room', id: 2 }]);
    ackAll();
    await left;
    expect(c.threads()).toEqual(['other']);
  });

  it('keeps an explicitly joined thread when its subscription ends', async () => {
    const { c } = await joinedClient();
    const sub = c.subscribe('room', () => undefined);
    await sub.joined;
    await sub.unsubscribe();
    expect(net.last().sentOf('leave')).toEqual([]);
    expect(c.threads()).toEqual(['room']);
  });
});

describe('close()', () => {
  it('closes with 1000, rejects pending requests with closed and stops timers', async () => {
    const c = make();
    net.last().accept();
    const p = c.publish('room', 1).catch((e: unknown) => e);
    const closed = record(c, 'closed');
    c.close();
    expect(net.last().clientClose).toEqual({ code: 1000, reason: 'client closed' });
    expect(await p).toMatchObject({ code: 'closed' });
    expect(closed).toEqual([{ code: 1000, reason: 'client closed', willRetry: false }]);
    await tick(120_000);
    expect(net.sockets).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
