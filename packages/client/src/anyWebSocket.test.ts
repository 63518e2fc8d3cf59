/**
 * The client over each WebSocket implementation it documents, against a real server, through the
 * failures a real network produces: a connection reset mid-session (RST, so the socket reports
 * ECONNRESET), a refused TCP connection, and a handshake the server answers with 401. `ws`
 * emits `'error'` as an EventEmitter event, so a client that leaves it without a listener takes
 * the whole process down ("Unhandled 'error' event"); a WHATWG socket only fires `onerror`.
 * Each case must end with the client reconnecting (or retrying) and the process still up.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWsWebSocket, WebSocketServer } from 'ws';
import { freePort, waitFor } from '@ws/testkit';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { WebSocketConstructor } from './socket.js';
import { record } from '../test/record.js';

const implementations: readonly (readonly [string, WebSocketConstructor])[] = [
  ['ws', NodeWsWebSocket],
  ['undici', UndiciWebSocket],
];

const servers: RealServer[] = [];
const clients: Client[] = [];
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => {
  uncaught.push(err);
};

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  process.off('uncaughtException', onUncaught);
});

/** A server that keeps hold of its raw TCP sockets, so a test can reset them. */
async function serverWithSockets(): Promise<{ server: RealServer; sockets: Set<Socket> }> {
  const server = await startServer();
  servers.push(server);
  const sockets = new Set<Socket>();
  server.http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return { server, sockets };
}

describe.each(implementations)('the client over %s', (_name, WebSocket) => {
  it('survives a connection reset (ECONNRESET) and reconnects', async () => {
    process.on('uncaughtException', onUncaught);
    uncaught.length = 0;
    const { server, sockets } = await serverWithSockets();
    const client = createClient({ url: server.url, token: 'good-alice', WebSocket });
    clients.push(client);
    const opens = record(client, 'open');
    const reconnecting = record(client, 'reconnecting');
    await waitFor(() => opens.length === 1, { message: 'first open' });
    expect(sockets.size).toBe(1);
    for (const socket of sockets) socket.resetAndDestroy();
    await waitFor(() => opens.length === 2, { message: 'reconnected', timeoutMs: 10_000 });
    expect(reconnecting.length).toBeGreaterThanOrEqual(1);
    expect(reconnecting[0]?.code).toBe(1006);
    expect(client.state).toBe('open');
    expect(uncaught).toEqual([]);
  });

  it('survives a refused TCP connection and keeps retrying', async () => {
    process.on('uncaughtException', onUncaught);
    uncaught.length = 0;
    const port = await freePort();
    const client = createClient({
      url: `ws://127.0.0.1:${port}/ws`,
      token: 'good-alice',
      WebSocket,
      backoff: { minMs: 20, maxMs: 50 },
    });
    clients.push(client);
    const reconnecting = record(client, 'reconnecting');
    await waitFor(() => reconnecting.length >= 3, {
      message: 'three failed attempts',
      timeoutMs: 10_000,
    });
    expect(reconnecting.every((r) => r.code === 1006)).toBe(true);
    expect(uncaught).toEqual([]);
  });

  it('survives a reset of a socket it has already let go (no welcome in time)', async () => {
    process.on('uncaughtException', onUncaught);
    uncaught.length = 0;
    // A WebSocket server that never sends `welcome` and resets the TCP connection as soon as
    // the client's close frame arrives: the client has detached that socket by then.
    const http = createHttpServer();
    const wss = new WebSocketServer({ server: http });
    let resets = 0;
    wss.on('connection', (socket, req) => {
      socket.on('close', () => {
        req.socket.resetAndDestroy();
        resets++;
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    try {
      const client = createClient({
        url: `ws://127.0.0.1:${port}/ws`,
        token: 'good-alice',
        WebSocket,
        connectTimeoutMs: 100,
        backoff: { minMs: 20, maxMs: 50 },
      });
      clients.push(client);
      const reconnecting = record(client, 'reconnecting');
      await waitFor(() => resets >= 2, {
        message: 'two sockets let go and reset',
        timeoutMs: 10_000,
      });
      await waitFor(() => reconnecting.length >= 2, { message: 'retrying', timeoutMs: 10_000 });
      expect(uncaught).toEqual([]);
    } finally {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('survives a handshake refused with 401 and keeps retrying', async () => {
    process.on('uncaughtException', onUncaught);
    uncaught.length = 0;
    const { server } = await serverWithSockets();
    const client = createClient({
      url: server.url,
      token: 'bad-token',
      WebSocket,
      backoff: { minMs: 20, maxMs: 50 },
    });
    clients.push(client);
    const reconnecting = record(client, 'reconnecting');
    await waitFor(() => reconnecting.length >= 2, {
      message: 'two refused attempts',
      timeoutMs: 10_000,
    });
    expect(reconnecting.every((r) => r.code === 1006)).toBe(true);
    expect(uncaught).toEqual([]);
  });
});
