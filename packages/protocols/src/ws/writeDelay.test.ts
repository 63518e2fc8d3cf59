import type { SocketLike } from '@ws/core';
import { isWsError } from '@ws/core';
import { waitFor } from '@ws/testkit';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { frameMessage } from './frame.js';
import { createWsAdapter } from './wsSocket.js';

interface Pair {
  readonly socket: SocketLike;
  /** Bytes of each TCP write of the server side. */
  readonly writes: number[];
  readonly got: string[];
  readonly closed: Promise<number>;
}

let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const c of wss?.clients ?? []) c.terminate();
  await new Promise<void>((r) => (wss === undefined ? r() : wss.close(() => r())));
  wss = undefined;
});

/** `count` clients of a ws server whose sockets `createWsAdapter({ writeDelayMs })` wraps. */
async function pairs(writeDelayMs: number, count: number): Promise<Pair[]> {
  const adapter = createWsAdapter({ writeDelayMs });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss = server;
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const out: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const accepted = new Promise<SocketLike & { writes: number[] }>((resolve) =>
      server.once('connection', (ws) => {
        const raw = (ws as unknown as { _socket: { write: (b: Uint8Array) => boolean } })._socket;
        const writes: number[] = [];
        const write = raw.write.bind(raw);
        raw.write = (b: Uint8Array) => {
          writes.push(b.byteLength);
          return write(b);
        };
        const socket = adapter.wrap(ws, { pauseUntilListening: false });
        resolve(Object.assign(socket, { writes }));
      }),
    );
    const client = new WebSocket(url);
    const got: string[] = [];
    client.on('message', (d: Buffer) => got.push(d.toString()));
    const closed = new Promise<number>((r) => client.once('close', (code: number) => r(code)));
    await new Promise<void>((r) => client.once('open', () => r()));
    const socket = await accepted;
    out.push({ socket, writes: socket.writes, got, closed });
  }
  return out;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ws adapter: writeDelayMs (write batching)', () => {
  it('holds the frames of several ticks and writes them in one system call per socket, one timer for all', async () => {
    const [a, b] = (await pairs(40, 2)) as [Pair, Pair];
    const bytes = [0, 1, 2].map((i) => frameMessage(`a${i}`).byteLength).reduce((x, y) => x + y);
    for (let i = 0; i < 3; i++) {
      a.socket.send(`a${i}`);
      b.socket.sendPrepared?.(b.socket.prepare?.(`b${i}`));
      await tick();
    }
    // Held: nothing written yet, and the bytes count as buffered.
    expect(a.writes).toEqual([]);
    expect(b.writes).toEqual([]);
    expect(a.socket.bufferedAmount).toBeGreaterThanOrEqual(bytes);
    await waitFor(() => a.got.length === 3 && b.got.length === 3, { timeoutMs: 5000 });
    expect(a.got).toEqual(['a0', 'a1', 'a2']);
    expect(b.got).toEqual(['b0', 'b1', 'b2']);
    expect(a.writes).toEqual([bytes]);
    expect(b.writes).toHaveLength(1);
    expect(a.socket.bufferedAmount).toBe(0);
  });

  it('close() sends the held frames before the close frame', async () => {
    const [a] = (await pairs(1000, 1)) as [Pair];
    a.socket.send('first');
    await tick();
    a.socket.send('second');
    a.socket.close(4000, 'bye');
    expect(await a.closed).toBe(4000);
    expect(a.got).toEqual(['first', 'second']);
  });

  it('refuses a delay that is not 0-1000 ms with invalid_options', () => {
    for (const writeDelayMs of [-1, Number.NaN, 1001, '5' as unknown as number]) {
      let caught: unknown;
      try {
        createWsAdapter({ writeDelayMs });
      } catch (err) {
        caught = err;
      }
      expect(isWsError(caught) && caught.code === 'invalid_options').toBe(true);
    }
    expect(() => createWsAdapter({ writeDelayMs: 0 })).not.toThrow();
  });
});
