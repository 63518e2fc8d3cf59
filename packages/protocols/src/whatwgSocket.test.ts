/**
 * The WHATWG adapter with a real WHATWG implementation (undici's WebSocket; Node 20's global one
 * needs a flag): as a client of `attach`, and wrapped as the server-side socket of a manager.
 */
import type { Manager } from '@ws/core';
import { createManager, silentLogger, userId } from '@ws/core';
import { waitFor } from '@ws/testkit';
import { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket as WsWebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { createMsgpackCodec } from './msgpackCodec.js';
import { encode } from '@msgpack/msgpack';
import type { TestServer } from './test/harness.js';
import {
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  startServer,
} from './test/harness.js';
import type { WhatwgWebSocket } from './whatwgSocket.js';
import { wrapWhatwgSocket } from './whatwgSocket.js';

function openUndici(url: string, protocols?: string | string[]): Promise<UndiciWebSocket> {
  const ws = new UndiciWebSocket(url, protocols);
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(ws));
    ws.addEventListener('error', () => reject(new Error('undici WebSocket failed to open')));
  });
}

function nextMessage(ws: UndiciWebSocket): Promise<string> {
  return new Promise((resolve) => {
    ws.addEventListener('message', (e) => resolve(String(e.data)), { once: true });
  });
}

function closeOf(ws: UndiciWebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason }), {
      once: true,
    });
  });
}

describe('undici WebSocket as a client of attach', () => {
  let srv: TestServer;
  const proto = prototypeSnapshot();
  beforeEach(async () => {
    srv = await startServer();
  });
  afterEach(async () => {
    await expectAlive(srv);
    expectPrototypeClean(proto);
    await srv.close();
  });

  it('upgrades with a subprotocol, gets welcome, ping/pong, and sees core close codes as sent', async () => {
    const ws = await openUndici(srv.url('token=good-una'), ['wsm.v1.json']);
    expect(ws.protocol).toBe('wsm.v1.json');
    const welcome = JSON.parse(await nextMessage(ws)) as { type: string; userId: string };
    expect(welcome).toMatchObject({ type: 'welcome', userId: 'una' });
    const pong = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'ping' }));
    expect(JSON.parse(await pong)).toEqual({ type: 'pong' });
    const closed = closeOf(ws);
    expect(await srv.manager.disconnectUser(userId('una'), { code: 4100, reason: 'evicted' })).toBe(
      1,
    );
    expect(await closed).toEqual({ code: 4100, reason: 'evicted' });
  });

  it('gets 400 (no upgrade) when offering only unknown subprotocols', async () => {
    await expect(openUndici(srv.url('token=good-una'), ['chat'])).rejects.toThrow('failed to open');
    expect(srv.manager.getStats().connections).toBe(0);
  });

  it('a binary frame on wsm.v1.json closes with 1003', async () => {
    const ws = await openUndici(srv.url('token=good-una'), 'wsm.v1.json');
    await nextMessage(ws);
    const closed = closeOf(ws);
    ws.send(new Uint8Array([1, 2, 3]));
    expect((await closed).code).toBe(1003);
  });
});

/** A `ws` peer on 127.0.0.1 that the undici socket (wrapped for the manager) connects to. */
interface Peer {
  readonly url: string;
  readonly sockets: Promise<WsWebSocket>;
  readonly received: (string | Buffer)[];
  close(): Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (p) => [...p][0] ?? false,
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const received: (string | Buffer)[] = [];
  const sockets = new Promise<WsWebSocket>((resolve) => {
    wss.once('connection', (ws) => {
      ws.on('message', (d: Buffer, isBinary: boolean) =>
        received.push(isBinary ? d : d.toString()),
      );
      resolve(ws);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    sockets,
    received,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

describe('wrapWhatwgSocket: an undici socket as the manager side', () => {
  let peer: Peer;
  let manager: Manager;
  beforeEach(async () => {
    peer = await startPeer();
    manager = createManager({ logger: silentLogger(), authorizeThread: () => true });
  });
  afterEach(async () => {
    await manager.close();
    await peer.close();
  });

  const connect = async (
    protocols?: string,
    options: Parameters<typeof wrapWhatwgSocket>[1] = {},
  ): Promise<{ raw: UndiciWebSocket; peerWs: WsWebSocket; id: string }> => {
    const raw = await openUndici(peer.url, protocols);
    const peerWs = await peer.sockets;
    const socket = wrapWhatwgSocket(raw as unknown as WhatwgWebSocket, options);
    const id = await manager.connectUser(
      userId('wendy'),
      socket,
      options.textOnly === false ? { codec: createMsgpackCodec() } : {},
    );
    return { raw, peerWs, id };
  };

  it('passes frames both ways; no protocol ping; binaryType arraybuffer; bufferedAmount passthrough', async () => {
    const { raw, peerWs } = await connect('wsm.v1.json', { textOnly: true });
    expect(raw.binaryType).toBe('arraybuffer');
    await waitFor(() => peer.received.length === 1);
    expect(JSON.parse(peer.received[0] as string)).toMatchObject({
      type: 'welcome',
      userId: 'wendy',
    });
    peerWs.send(JSON.stringify({ type: 'join', thread: 'w', id: 7 }));
    await waitFor(() => peer.received.length === 2);
    expect(JSON.parse(peer.received[1] as string)).toEqual({ type: 'ack', id: 7 });
    expect(manager.getStats().connections).toBe(1);
    const socket = wrapWhatwgSocket(raw as unknown as WhatwgWebSocket);
    expect(socket.ping).toBeUndefined();
    expect(socket.onPong).toBeUndefined();
    expect(socket.bufferedAmount).toBe(raw.bufferedAmount);
    expect(socket.protocol).toBe('wsm.v1.json');
  });

  it('binary messages arrive as Uint8Array (MessagePack over WHATWG)', async () => {
    const { peerWs } = await connect('wsm.v1.msgpack', { textOnly: false });
    await waitFor(() => peer.received.length === 1);
    expect(Buffer.isBuffer(peer.received[0])).toBe(true);
    peerWs.send(encode({ type: 'ping' }));
    await waitFor(() => peer.received.length === 2);
    expect(Buffer.isBuffer(peer.received[1])).toBe(true);
  });

  const closeCase = async (code: number, expected: number): Promise<void> => {
    const { peerWs } = await connect();
    const closed = new Promise<number>((r) => peerWs.once('close', (c: number) => r(c)));
    expect(await manager.disconnectUser(userId('wendy'), { code, reason: 'bye' })).toBe(1);
    expect(manager.getStats().connections).toBe(0);
    expect(await closed).toBe(expected);
  };

  it('close codes a WHATWG socket cannot send are mapped: 1013 -> 4063 (reconnect range)', () =>
    closeCase(1013, 4063));
  it('1008 -> 4158 (do-not-reconnect range)', () => closeCase(1008, 4158));
  it('1000 and 4100 pass unchanged', async () => {
    await closeCase(1000, 1000);
    await peer.close();
    peer = await startPeer();
    await closeCase(4100, 4100);
  });

  it('manager.close() (1001) reaches the peer as 4051', async () => {
    const { peerWs } = await connect();
    const closed = new Promise<number>((r) => peerWs.once('close', (c: number) => r(c)));
    await manager.close();
    expect(await closed).toBe(4051);
  });

  it('terminate() closes with 4056 (1006 mapped) and core forgets the connection at once', async () => {
    const { peerWs, id } = await connect();
    const closed = new Promise<number>((r) => peerWs.once('close', (c: number) => r(c)));
    manager.use({
      name: 'probe',
      setup(ctx) {
        ctx.getConnection(id as never)?.terminate();
      },
    });
    expect(manager.getStats().connections).toBe(0);
    expect(await closed).toBe(4056);
  });

  it('a binary frame with textOnly closes 4153 (1003 mapped) and core forgets at once', async () => {
    const { peerWs } = await connect('wsm.v1.json', { textOnly: true });
    await waitFor(() => peer.received.length === 1);
    const closed = new Promise<number>((r) => peerWs.once('close', (c: number) => r(c)));
    peerWs.send(Buffer.from([1, 2, 3]));
    expect(await closed).toBe(4153);
    await waitFor(() => manager.getStats().connections === 0);
  });

  it('a peer close reaches core with its code', async () => {
    const { peerWs } = await connect();
    const seen = new Promise<number>((r) => manager.on('disconnect', (_c, info) => r(info.code)));
    peerWs.close(4001, 'idle');
    expect(await seen).toBe(4001);
  });
});
