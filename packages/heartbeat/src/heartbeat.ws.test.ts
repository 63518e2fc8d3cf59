/**
 * Real sockets over loopback: `ws` clients, core's system clock, and two servers: the real stack
 * (`@ws/protocols` attached to a Node http server, its `ws` adapter) and a bare `ws` server whose
 * sockets a small test-only adapter wraps into core's `SocketLike` (protocol ping/pong,
 * terminate), which depends on nothing but `ws` and `@ws/core`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionId, Manager, SocketLike } from '@ws/core';
import { createManager, silentLogger, userId } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import { sleep, waitFor } from '@ws/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawData } from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { HeartbeatHandle, HeartbeatOptions, HeartbeatTimeout } from './index.js';
import { heartbeat } from './index.js';

/** Test-only SocketLike over a `ws` server socket. */
function wrapServerSocket(ws: WebSocket): SocketLike {
  return {
    get readyState() {
      return ws.readyState;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    protocol: ws.protocol,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    ping: () => ws.ping(),
    onMessage(listener) {
      const h = (data: RawData, isBinary: boolean): void => {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
        listener(isBinary ? new Uint8Array(buf) : buf.toString('utf8'));
      };
      ws.on('message', h);
      return () => ws.off('message', h);
    },
    onClose(listener) {
      const h = (code: number, reason: Buffer): void => listener(code, reason.toString('utf8'));
      ws.on('close', h);
      return () => ws.off('close', h);
    },
    onPong(listener) {
      const h = (): void => listener();
      ws.on('pong', h);
      return () => ws.off('pong', h);
    },
  };
}

interface Client {
  readonly index: number;
  readonly ws: WebSocket;
  readonly id: ConnectionId;
  /** Whether the client answers protocol pings (flip to false to play a peer that hangs). */
  answering: boolean;
  pings: number;
  closeCode: number | undefined;
  readonly closed: Promise<number>;
}

interface Server {
  readonly manager: Manager;
  readonly hb: HeartbeatHandle;
  readonly url: string;
  readonly timeouts: { info: HeartbeatTimeout; at: number }[];
  readonly disconnects: ConnectionId[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

type ServerKind = '@ws/protocols attach' | 'bare ws + test adapter';

const userOf = (url: string | undefined): string =>
  new URL(url ?? '/', 'http://x').searchParams.get('u') ?? 'anon';

async function startServer(kind: ServerKind, options: HeartbeatOptions): Promise<Server> {
  const manager = createManager({ logger: silentLogger() });
  const hb = manager.use(heartbeat(options));
  let url: string;
  let stop: () => Promise<void>;
  if (kind === '@ws/protocols attach') {
    const http = createServer();
    const endpoint = attach(manager, {
      server: http,
      path: '/ws',
      authenticate: (req) => ({ userId: userOf(req.url) }),
      logger: silentLogger(),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
    stop = async () => {
      await endpoint.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    };
  } else {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws, req) => {
      manager
        .connectUser(userId(userOf(req.url)), wrapServerSocket(ws))
        .catch(() => ws.terminate());
    });
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
    stop = async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    };
  }
  const timeouts: { info: HeartbeatTimeout; at: number }[] = [];
  const disconnects: ConnectionId[] = [];
  manager.on('heartbeat:timeout', (info: HeartbeatTimeout) =>
    timeouts.push({ info, at: performance.now() }),
  );
  manager.on('disconnect', (conn) => disconnects.push(conn.id));
  const server: Server = {
    manager,
    hb,
    url,
    timeouts,
    disconnects,
    async close() {
      await manager.close();
      await stop();
    },
  };
  cleanups.push(() => server.close());
  return server;
}

/** Opens a client that answers pings itself (ws's own auto-pong is off) until told to stop. */
function openClient(url: string, index: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?u=user${index}`, { autoPong: false });
    let settled = false;
    const closed = new Promise<number>((resolveClosed) => {
      ws.once('close', (code) => {
        client.closeCode = code;
        resolveClosed(code);
        if (!settled) reject(new Error(`client ${index} closed with ${code} before welcome`));
      });
    });
    const client: Client = {
      index,
      ws,
      id: '' as ConnectionId,
      answering: true,
      pings: 0,
      closeCode: undefined,
      closed,
    };
    ws.on('ping', (data) => {
      client.pings++;
      if (client.answering) ws.pong(data);
    });
    ws.once('message', (data: RawData) => {
      const text = (
        Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
      ).toString('utf8');
      const frame = JSON.parse(text) as { type: string; connectionId?: string };
      if (frame.type !== 'welcome' || frame.connectionId === undefined) {
        reject(new Error(`client ${index}: expected welcome, got ${text}`));
        return;
      }
      settled = true;
      (client as { id: ConnectionId }).id = frame.connectionId as ConnectionId;
      resolve(client);
    });
    ws.once('error', reject);
  });
}

async function openClients(url: string, n: number): Promise<Client[]> {
  const clients: Client[] = [];
  // In batches, so 200 handshakes don't all land in one event-loop turn.
  for (let i = 0; i < n; i += 25) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 25); j++) batch.push(openClient(url, j));
    clients.push(...(await Promise.all(batch)));
  }
  cleanups.push(async () => {
    for (const c of clients) c.ws.terminate();
  });
  return clients;
}

/** Per-test budget: 200 handshakes and several intervals on a loaded 2-core machine. */
const TEST_TIMEOUT = 60_000;

const kinds: readonly ServerKind[] = ['@ws/protocols attach', 'bare ws + test adapter'];

describe.each(kinds)('heartbeat over real sockets (loopback), server: %s', (kind) => {
  it(
    '200 clients, 100 stop answering: all 100 terminated within 2x the interval, no healthy one dropped',
    async () => {
      const INTERVAL = 200;
      // Worst case from the last answered ping: interval + timeout + one 25 ms tick = 325 ms.
      const TIMEOUT = 100;
      // Generous margin for a loaded 2-core CI machine (timer lag, GC, other test workers).
      const MARGIN = 1500;
      const server = await startServer(kind, { intervalMs: INTERVAL, timeoutMs: TIMEOUT });
      const clients = await openClients(server.url, 200);
      expect(server.manager.getStats().connections).toBe(200);

      // Everyone healthy for a while: each client answered at least two pings, nobody dropped.
      expect(await waitFor(() => clients.every((c) => c.pings >= 2), { timeoutMs: 10_000 })).toBe(
        true,
      );
      expect(server.timeouts).toEqual([]);
      for (const c of clients) expect(server.hb.checkConnectionHealth(c.id).healthy).toBe(true);

      const hanging = clients.filter((c) => c.index % 2 === 0);
      const healthy = clients.filter((c) => c.index % 2 === 1);
      const stoppedAt = performance.now();
      for (const c of hanging) c.answering = false;

      expect(
        await waitFor(() => server.timeouts.length >= 100, {
          timeoutMs: 2 * INTERVAL + MARGIN + 5_000,
        }),
      ).toBe(true);
      const slowest = Math.max(...server.timeouts.map((t) => t.at - stoppedAt));
      expect(slowest).toBeLessThanOrEqual(2 * INTERVAL + MARGIN);
      expect(server.timeouts.map((t) => t.info.connectionId).sort()).toEqual(
        hanging.map((c) => c.id).sort(),
      );
      for (const t of server.timeouts) expect(t.info.missed).toBe(1);

      // Terminated, not closed: the peers see 1006.
      const codes = await Promise.all(hanging.map((c) => c.closed));
      expect(new Set(codes)).toEqual(new Set([1006]));

      // The healthy half keeps going for several more intervals, untouched.
      const pingsBefore = healthy.map((c) => c.pings);
      await sleep(4 * INTERVAL);
      expect(server.timeouts).toHaveLength(100);
      expect(server.disconnects.sort()).toEqual(hanging.map((c) => c.id).sort());
      expect(server.manager.getStats().connections).toBe(100);
      expect(
        healthy.every(
          (c, i) => c.ws.readyState === WebSocket.OPEN && c.pings > (pingsBefore[i] as number),
        ),
      ).toBe(true);
      expect(server.hb.stats()).toMatchObject({ connections: 100, timeouts: 100 });
      const rtt = server.manager.metrics.read('ws_heartbeat_rtt_seconds');
      expect(rtt?.kind === 'histogram' ? rtt.samples[0]?.count : 0).toBeGreaterThan(400);
    },
    TEST_TIMEOUT,
  );

  it(
    'keeps every healthy client through real event-loop blocks longer than the interval',
    async () => {
      const INTERVAL = 200;
      const server = await startServer(kind, { intervalMs: INTERVAL, timeoutMs: 100 });
      const clients = await openClients(server.url, 50);
      expect(await waitFor(() => clients.every((c) => c.pings >= 1), { timeoutMs: 10_000 })).toBe(
        true,
      );
      // Block the whole process (server and clients share it) five times, at different phases.
      for (let i = 0; i < 5; i++) {
        await sleep(37 + i * 29);
        const until = performance.now() + 3 * INTERVAL;
        while (performance.now() < until) {
          // busy: nothing is read, no timer fires
        }
      }
      await sleep(3 * INTERVAL);
      expect(server.hb.stats().stalls).toBeGreaterThanOrEqual(5);
      expect(server.timeouts).toEqual([]);
      expect(server.manager.getStats().connections).toBe(50);
      expect(clients.every((c) => c.ws.readyState === WebSocket.OPEN)).toBe(true);
    },
    TEST_TIMEOUT,
  );
});
