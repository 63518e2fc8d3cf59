/**
 * The load generator's clients: `ws` clients for our server and the raw ws baseline, and
 * socket.io-client (websocket transport only) for Socket.IO. Every payload carries its sequence
 * number and send time: `{"s":SEQ,"t":MS,"p":"xxx..."}`, about 100 bytes.
 */
import { WebSocket } from 'ws';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ServerKind } from './child.js';

export interface Payload {
  readonly s: number;
  readonly t: number;
  readonly p: string;
}

/** Receives every delivered benchmark payload: which client, which sequence number, when sent. */
export type OnMessage = (index: number, seq: number, sentAt: number) => void;

export interface MessageSink {
  current: OnMessage;
}

export interface BenchClient {
  readonly index: number;
  readonly userId: string;
  join(thread: string): Promise<void>;
  publish(thread: string, payload: Payload): void;
  direct(to: string, payload: Payload): void;
  isOpen(): boolean;
  close(): void;
}

export interface ClientCounters {
  errors: number;
  unexpectedCloses: number;
}

const PAD = 'x'.repeat(200);

/** A payload of about `bytes` bytes of JSON. */
export function payload(seq: number, bytes = 100): Payload {
  const t = Math.round(performance.now() * 1000) / 1000;
  const base = `{"s":${seq},"t":${t},"p":""}`.length;
  return { s: seq, t, p: PAD.slice(0, Math.max(0, bytes - base)) };
}

/** Reads `s` and `t` out of a frame's text without a full parse (same code for every server). */
export function extract(text: string): [number, number] | undefined {
  const i = text.indexOf('"s":');
  if (i < 0) return undefined;
  const j = text.indexOf(',', i);
  const k = text.indexOf('"t":', j);
  const l = text.indexOf(',', k);
  if (j < 0 || k < 0 || l < 0) return undefined;
  return [Number(text.slice(i + 4, j)), Number(text.slice(k + 4, l))];
}

function wsClient(
  kind: 'ours' | 'raw',
  port: number,
  index: number,
  userId: string,
  sink: MessageSink,
  counters: ClientCounters,
  timeoutMs: number,
): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(userId)}`;
    const ws =
      kind === 'ours'
        ? new WebSocket(url, 'wsm.v1.json', { perMessageDeflate: false })
        : new WebSocket(url, { perMessageDeflate: false });
    let settled = false;
    let closing = false;
    let joinWaiter: (() => void) | undefined;
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `client ${userId}: no ${kind === 'ours' ? 'welcome' : 'open'} within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const client: BenchClient = {
      index,
      userId,
      join(thread) {
        return new Promise<void>((res, rej) => {
          const t = setTimeout(
            () => rej(new Error(`client ${userId}: join not acknowledged`)),
            timeoutMs,
          );
          joinWaiter = () => {
            clearTimeout(t);
            res();
          };
          ws.send(`{"type":"join","thread":${JSON.stringify(thread)},"id":"j"}`);
        });
      },
      publish(thread, p) {
        ws.send(
          `{"type":"publish","thread":${JSON.stringify(thread)},"data":${JSON.stringify(p)}}`,
        );
      },
      direct(to, p) {
        ws.send(`{"type":"direct","to":${JSON.stringify(to)},"data":${JSON.stringify(p)}}`);
      },
      isOpen: () => ws.readyState === WebSocket.OPEN,
      close() {
        closing = true;
        ws.terminate();
      },
    };
    const ready = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(client);
    };
    ws.on('open', () => {
      if (kind === 'raw') ready();
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString('latin1');
      const st = extract(text);
      if (st) {
        sink.current(index, st[0], st[1]);
        return;
      }
      if (text.startsWith('{"type":"welcome"')) ready();
      else if (text.startsWith('{"type":"ack"')) {
        if (text.includes('"id":"j"') || kind === 'raw') {
          const w = joinWaiter;
          joinWaiter = undefined;
          w?.();
        }
      } else if (text.startsWith('{"type":"error"')) counters.errors += 1;
    });
    ws.on('error', (err) => fail(err));
    ws.on('close', () => {
      if (!settled) fail(new Error(`client ${userId}: closed before ready`));
      else if (!closing) counters.unexpectedCloses += 1;
    });
  });
}

function sioClient(
  port: number,
  index: number,
  userId: string,
  sink: MessageSink,
  counters: ClientCounters,
  timeoutMs: number,
): Promise<BenchClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      auth: { token: userId },
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    let settled = false;
    let closing = false;
    const timer = setTimeout(
      () => fail(new Error(`client ${userId}: no connect within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.disconnect();
      reject(err);
    };
    socket.on('message', (m: { data?: Payload }) => {
      const p = m.data;
      if (p && typeof p.s === 'number') sink.current(index, p.s, p.t);
    });
    socket.on('connect_error', (err) => fail(err));
    socket.on('disconnect', () => {
      if (settled && !closing) counters.unexpectedCloses += 1;
    });
    socket.on('connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        index,
        userId,
        join(thread) {
          return new Promise<void>((res, rej) => {
            const t = setTimeout(
              () => rej(new Error(`client ${userId}: join not acknowledged`)),
              timeoutMs,
            );
            socket.emit('join', thread, () => {
              clearTimeout(t);
              res();
            });
          });
        },
        publish(thread, p) {
          socket.emit('publish', thread, p);
        },
        direct(to, p) {
          socket.emit('direct', to, p);
        },
        isOpen: () => socket.connected,
        close() {
          closing = true;
          socket.disconnect();
        },
      });
    });
  });
}

export interface ConnectOptions {
  readonly kind: ServerKind;
  /** Ports of the instances; clients are spread over them round-robin (client 0 on the first). */
  readonly ports: readonly number[];
  readonly count: number;
  readonly userPrefix: string;
  readonly sink: MessageSink;
  readonly counters: ClientCounters;
  /** Handshakes in flight at once. */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** Connects `count` clients (bounded concurrency); throws if any fails. */
export async function connectClients(o: ConnectOptions): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array<BenchClient>(o.count);
  const concurrency = o.concurrency ?? 100;
  const timeoutMs = o.timeoutMs ?? 30_000;
  let next = 0;
  let failed = false;
  const opened: BenchClient[] = [];
  const worker = async (): Promise<void> => {
    while (next < o.count && !failed) {
      const i = next++;
      const port = o.ports[i % o.ports.length]!;
      const userId = `${o.userPrefix}${i}`;
      const c =
        o.kind === 'sio'
          ? await sioClient(port, i, userId, o.sink, o.counters, timeoutMs)
          : await wsClient(o.kind, port, i, userId, o.sink, o.counters, timeoutMs);
      clients[i] = c;
      opened.push(c);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, o.count) }, worker));
  } catch (err) {
    failed = true;
    for (const c of opened) c.close();
    throw err;
  }
  return clients;
}

/** Runs `fn` over every item with bounded concurrency. */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function closeAll(clients: readonly BenchClient[]): void {
  for (const c of clients) c.close();
}
