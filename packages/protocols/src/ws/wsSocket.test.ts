import { decode } from '@msgpack/msgpack';
import type { Manager, SocketLike } from '@ws/core';
import { createManager, silentLogger, userId } from '@ws/core';
import { waitFor } from '@ws/testkit';
import { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { createMsgpackCodec } from '../msgpackCodec.js';
import type { TestClient } from '../test/harness.js';
import { connectClient } from '../test/harness.js';
import { frameMessage } from './frame.js';
import type { WsAdapter, WsSocketOptions } from './wsSocket.js';
import { createWsAdapter } from './wsSocket.js';

interface Rig {
  readonly manager: Manager;
  readonly url: string;
  readonly serverSockets: WebSocket[];
  readonly wrapped: SocketLike[];
  close(): Promise<void>;
}

/** A ws server whose connections are wrapped by `adapter` and handed to a manager. */
async function startRig(
  adapter: WsAdapter,
  o: {
    deflate?: boolean;
    delayConnectMs?: number;
    socketOptions?: WsSocketOptions;
    msgpack?: boolean;
  } = {},
): Promise<Rig> {
  const manager = createManager({ logger: silentLogger(), authorizeThread: () => true });
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: o.deflate ?? false,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const serverSockets: WebSocket[] = [];
  const wrapped: SocketLike[] = [];
  let n = 0;
  wss.on('connection', (ws) => {
    serverSockets.push(ws);
    const socket = adapter.wrap(ws, o.socketOptions);
    wrapped.push(socket);
    const connect = (): void => {
      manager
        .connectUser(
          userId(`u${++n}`),
          socket,
          o.msgpack === true ? { codec: createMsgpackCodec() } : {},
        )
        .catch(() => {});
    };
    if (o.delayConnectMs === undefined) connect();
    else setTimeout(connect, o.delayConnectMs);
  });
  return {
    manager,
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    serverSockets,
    wrapped,
    async close() {
      await manager.close();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

async function clients(
  rig: Rig,
  count: number,
  protocols?: string,
  decoder?: (d: Buffer, b: boolean) => unknown,
): Promise<TestClient[]> {
  const out: TestClient[] = [];
  for (let i = 0; i < count; i++) {
    const c = connectClient(rig.url, protocols, {}, decoder);
    await c.next('welcome');
    out.push(c);
  }
  return out;
}

describe('ws adapter', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('every socket of one adapter shares one prepare function; another adapter has its own', async () => {
    const adapter = createWsAdapter();
    rig = await startRig(adapter);
    await clients(rig, 3);
    const [a, b, c] = rig.wrapped as [SocketLike, SocketLike, SocketLike];
    expect(a.prepare).toBe(adapter.prepare);
    expect(b.prepare).toBe(a.prepare);
    expect(c.prepare).toBe(a.prepare);
    expect(createWsAdapter().prepare).not.toBe(adapter.prepare);
  });

  it('a broadcast is framed once and written raw to each socket (ws.send not used)', async () => {
    const adapter = createWsAdapter();
    rig = await startRig(adapter);
    const cs = await clients(rig, 4);
    const prepare = vi.fn(adapter.prepare);
    for (const w of rig.wrapped) (w as { prepare?: unknown }).prepare = prepare;
    const sends = rig.serverSockets.map((ws) => vi.spyOn(ws, 'send'));
    const result = await rig.manager.broadcast({ text: 'hello', n: 1 });
    expect(result.delivered).toBe(4);
    expect(prepare).toHaveBeenCalledTimes(1);
    for (const s of sends) expect(s).not.toHaveBeenCalled();
    const got = await Promise.all(cs.map((c) => c.next('message')));
    for (const m of got)
      expect(m).toEqual({ type: 'message', from: null, data: { text: 'hello', n: 1 } });
    expect(new Set(cs.map((c) => c.raw.at(-1))).size).toBe(1);
  });

  it('binary (MessagePack) broadcasts take the fast path as binary frames', async () => {
    rig = await startRig(createWsAdapter(), { msgpack: true });
    const cs = await clients(rig, 2, undefined, (d, isBinary) => {
      if (!isBinary) throw new Error('expected binary');
      return decode(d);
    });
    const sends = rig.serverSockets.map((ws) => vi.spyOn(ws, 'send'));
    expect((await rig.manager.broadcast({ b: 1 })).delivered).toBe(2);
    for (const c of cs)
      expect(await c.next('message')).toEqual({ type: 'message', from: null, data: { b: 1 } });
    for (const s of sends) expect(s).not.toHaveBeenCalled();
  });

  it('permessage-deflate sockets fall back to ws.send (compressed), and still get the message', async () => {
    rig = await startRig(createWsAdapter(), { deflate: true });
    const cs = await clients(rig, 2);
    expect(cs[0]?.ws.extensions).toContain('permessage-deflate');
    const sends = rig.serverSockets.map((ws) => vi.spyOn(ws, 'send'));
    const big = 'x'.repeat(5000);
    expect((await rig.manager.broadcast({ big })).delivered).toBe(2);
    for (const c of cs)
      expect(await c.next('message')).toEqual({ type: 'message', from: null, data: { big } });
    for (const s of sends) expect(s).toHaveBeenCalledTimes(1);
  });

  it('frames every payload-length class correctly (7-bit, 16-bit, 64-bit lengths)', async () => {
    rig = await startRig(createWsAdapter());
    const [c] = await clients(rig, 1);
    for (const size of [0, 100, 125, 126, 1000, 65_535, 65_536, 200_000]) {
      const text = 'é'.repeat(Math.floor(size / 2)) + 'a'.repeat(size % 2);
      const p = rig.wrapped[0]?.prepare?.(
        JSON.stringify({ type: 'message', from: null, data: text }),
      );
      rig.wrapped[0]?.sendPrepared?.(p);
      const m = await c!.next('message');
      expect(m.data).toBe(text);
    }
    const bin = frameMessage(new Uint8Array([1, 2, 3]));
    expect([...bin]).toEqual([0x82, 3, 1, 2, 3]);
    expect([...frameMessage('')]).toEqual([0x81, 0]);
    expect([...frameMessage('a'.repeat(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...frameMessage('a'.repeat(65_536)).subarray(0, 10)]).toEqual([
      0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0,
    ]);
  });

  it.each([true, false])(
    'many sends in one tick arrive complete and in order (coalesceWrites %s)',
    async (coalesceWrites) => {
      rig = await startRig(createWsAdapter({ coalesceWrites }));
      const [c] = await clients(rig, 1);
      const id = rig.wrapped[0] as SocketLike;
      for (let i = 0; i < 300; i++) {
        if (i % 2 === 0) id.send(JSON.stringify({ type: 'message', from: null, data: i }));
        else
          id.sendPrepared?.(id.prepare?.(JSON.stringify({ type: 'message', from: null, data: i })));
      }
      await waitFor(() => c!.frames.filter((f) => f.type === 'message').length === 300);
      expect(
        c!.frames.filter((f) => f.type === 'message').map((f) => (f as { data: number }).data),
      ).toEqual(Array.from({ length: 300 }, (_, i) => i));
    },
  );

  it('frames of one tick leave in one TCP write at its end; bufferedAmount counts them meanwhile', async () => {
    rig = await startRig(createWsAdapter());
    const [c] = await clients(rig, 1);
    const raw = (
      rig.serverSockets[0] as unknown as { _socket: { write: (b: Uint8Array) => boolean } }
    )._socket;
    const writes: number[] = [];
    const original = raw.write.bind(raw);
    raw.write = (b: Uint8Array) => {
      writes.push(b.byteLength);
      return original(b);
    };
    const id = rig.wrapped[0] as SocketLike;
    const before = id.bufferedAmount;
    const payload = (i: number): string => JSON.stringify({ type: 'message', from: null, data: i });
    for (let i = 0; i < 10; i++) {
      if (i % 2 === 0) id.send(payload(i));
      else id.sendPrepared?.(id.prepare?.(payload(i)));
    }
    expect(writes).toEqual([]);
    const heldBytes = Array.from(
      { length: 10 },
      (_, i) => frameMessage(payload(i)).byteLength,
    ).reduce((a, b) => a + b);
    expect(id.bufferedAmount - before).toBe(heldBytes);
    await new Promise<void>((r) => process.nextTick(r));
    expect(writes).toEqual([heldBytes]);
    await waitFor(() => c!.frames.filter((f) => f.type === 'message').length === 10);
    expect(
      c!.frames.filter((f) => f.type === 'message').map((f) => (f as { data: number }).data),
    ).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('close() right after sends delivers the held frames before the close frame; terminate() drops them', async () => {
    rig = await startRig(createWsAdapter());
    const [a, b] = await clients(rig, 2);
    const [ida, idb] = rig.wrapped as [SocketLike, SocketLike];
    for (let i = 0; i < 3; i++) ida.send(JSON.stringify({ type: 'message', from: null, data: i }));
    ida.close(4000, 'bye');
    expect((await a!.closed).code).toBe(4000);
    expect(
      a!.frames.filter((f) => f.type === 'message').map((f) => (f as { data: number }).data),
    ).toEqual([0, 1, 2]);
    idb.send(JSON.stringify({ type: 'message', from: null, data: 'lost' }));
    idb.terminate();
    expect(idb.bufferedAmount).toBe(0);
    expect((await b!.closed).code).toBe(1006);
    expect(b!.frames.filter((f) => f.type === 'message')).toEqual([]);
  });

  it('frames sent before core attaches its listener are not lost (the socket is paused)', async () => {
    rig = await startRig(createWsAdapter(), { delayConnectMs: 80 });
    const c = connectClient(rig.url);
    await c.opened;
    for (let i = 0; i < 5; i++) c.send({ type: 'ping' });
    await c.next('welcome');
    await waitFor(() => c.frames.filter((f) => f.type === 'pong').length === 5);
    expect(c.frames.filter((f) => f.type === 'pong')).toHaveLength(5);
  });

  it('protocol ping reaches the client; its pong reaches core as a protocol pong', async () => {
    rig = await startRig(createWsAdapter());
    const [c] = await clients(rig, 1);
    const pongs: string[] = [];
    rig.manager.on('pong', (_conn, kind) => pongs.push(kind));
    const pinged = new Promise<void>((r) => c!.ws.once('ping', () => r()));
    rig.wrapped[0]?.ping?.();
    await pinged;
    await waitFor(() => pongs.length === 1);
    expect(pongs).toEqual(['protocol']);
  });

  it('terminate() drops the TCP connection: the client sees 1006', async () => {
    rig = await startRig(createWsAdapter());
    const [c] = await clients(rig, 1);
    rig.wrapped[0]?.terminate();
    expect((await c!.closed).code).toBe(1006);
  });

  it('close() with a code ws cannot send becomes 1000; long reasons are cut to 123 bytes', async () => {
    rig = await startRig(createWsAdapter());
    const [a, b] = await clients(rig, 2);
    rig.wrapped[0]?.close(1006, 'x');
    expect((await a!.closed).code).toBe(1000);
    rig.wrapped[1]?.close(4000, 'é'.repeat(200));
    const closed = await b!.closed;
    expect(closed.code).toBe(4000);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
    expect(closed.reason).toBe('é'.repeat(61));
  });

  it('onClose after the close already happened still reports it (once, cancellable)', async () => {
    rig = await startRig(createWsAdapter());
    const [c] = await clients(rig, 1);
    c!.ws.close(4001, 'bye');
    await waitFor(() => rig!.manager.getStats().connections === 0);
    const seen: number[] = [];
    rig.wrapped[0]?.onClose((code) => seen.push(code));
    const off = rig.wrapped[0]?.onClose((code) => seen.push(code + 1));
    off?.();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([4001]);
  });
});

describe('ws adapter listeners', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    if (server === undefined) return;
    for (const c of server.clients) c.terminate();
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
  });

  /** One raw `ws` server socket and its client. */
  async function pair(): Promise<{ ws: WebSocket; client: TestClient }> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server?.once('listening', () => r()));
    const accepted = new Promise<WebSocket>((r) => server?.once('connection', r));
    const client = connectClient(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await client.opened;
    return { ws: await accepted, client };
  }

  it('a socket wrapped twice by one adapter reports messages, pongs and the close to both wrappers', async () => {
    const { ws, client } = await pair();
    const adapter = createWsAdapter();
    const first = adapter.wrap(ws);
    const second = adapter.wrap(ws);
    const seen: string[] = [];
    first.onMessage((d) => seen.push(`1:${String(d)}`));
    second.onMessage((d) => seen.push(`2:${String(d)}`));
    first.onPong?.(() => seen.push('1:pong'));
    second.onPong?.(() => seen.push('2:pong'));
    first.onClose((code) => seen.push(`1:${code}`));
    second.onClose((code) => seen.push(`2:${code}`));
    client.ws.send('hi');
    await waitFor(() => seen.length === 2);
    first.ping?.();
    await waitFor(() => seen.length === 4);
    client.ws.close(4002, 'done');
    await waitFor(() => seen.length === 6);
    expect(seen.slice(0, 2).sort()).toEqual(['1:hi', '2:hi']);
    expect(seen.slice(2, 4).sort()).toEqual(['1:pong', '2:pong']);
    expect(seen.slice(4).sort()).toEqual(['1:4002', '2:4002']);
  });

  it('a throwing listener goes to onError and the next listeners still run; after the close no listener runs', async () => {
    const { ws, client } = await pair();
    const errors: unknown[] = [];
    const socket = createWsAdapter().wrap(ws, { onError: (err) => errors.push(err) });
    const seen: string[] = [];
    socket.onMessage(() => {
      throw new Error('listener failed');
    });
    const off = socket.onMessage((d) => seen.push(String(d)));
    socket.onMessage((d) => seen.push(`last:${String(d)}`));
    client.ws.send('a');
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['a', 'last:a']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('listener failed');
    off();
    client.ws.send('b');
    await waitFor(() => seen.length === 3);
    expect(seen[2]).toBe('last:b');
    const closes: number[] = [];
    socket.onClose((code) => closes.push(code));
    client.ws.close(4003);
    await waitFor(() => closes.length === 1);
    expect(closes).toEqual([4003]);
    expect(socket.readyState).toBe(3);
  });
});

describe('ws adapter defaults', () => {
  let rig: Rig | undefined;
  beforeEach(() => {
    rig = undefined;
  });
  afterEach(async () => {
    await rig?.close();
  });

  it('reports the negotiated protocol, or the one given', async () => {
    rig = await startRig(createWsAdapter(), { socketOptions: { protocol: 'wsm.v1.json' } });
    await clients(rig, 1);
    expect(rig.wrapped[0]?.protocol).toBe('wsm.v1.json');
    expect(rig.wrapped[0]?.bufferedAmount).toBe(0);
  });
});
