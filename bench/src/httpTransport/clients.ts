/**
 * The runner's clients of `bench:http-transport`, all in one thread: `ws` clients over
 * WebSocket, or Server-Sent Events streams read with `node:http` plus one POST (the `join`),
 * as PROTOCOL.md's HTTP transport. Each counts the thread's messages by their sequence number
 * (`data.s`): received, duplicates, and the highest seen.
 */
import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/** What the clients received since the last `reset`. */
export interface Tally {
  readonly received: number;
  readonly duplicates: number;
  /** Clients that got every sequence number in (from, to]. */
  readonly complete: number;
}

export interface ClientSet {
  /** Messages received since the last reset, over all clients. */
  received(): number;
  /** Counts since the last reset against the sequence numbers in (from, to]. */
  tally(from: number, to: number): Tally;
  reset(): void;
  close(): void;
}

interface One {
  seen: Set<number>;
  duplicates: number;
}

function onFrame(one: One, text: string, acked: () => void): void {
  const frame = JSON.parse(text) as { type?: string; id?: number; data?: { s?: number } };
  if (frame.type === 'ack' && frame.id === 1) acked();
  if (frame.type !== 'message' || typeof frame.data?.s !== 'number') return;
  if (one.seen.has(frame.data.s)) one.duplicates++;
  else one.seen.add(frame.data.s);
}

function join(thread: string): string {
  return JSON.stringify({ type: 'join', thread, id: 1 });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<T>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One WebSocket client joined to `thread`. */
function wsClient(
  port: number,
  user: string,
  thread: string,
): Promise<{ one: One; close(): void }> {
  const one: One = { seen: new Set(), duplicates: 0 };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${user}`, ['wsm.v1.json']);
  return withTimeout(
    new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.includes('"welcome"')) ws.send(join(thread));
        else onFrame(one, text, () => resolve({ one, close: () => ws.terminate() }));
      });
    }),
    10_000,
    `ws client ${user}`,
  );
}

/** One HTTP-transport client joined to `thread`: its stream, then one POST. */
function sseClient(
  port: number,
  user: string,
  thread: string,
): Promise<{ one: One; close(): void }> {
  const one: One = { seen: new Set(), duplicates: 0 };
  let stream: ClientRequest | undefined;
  return withTimeout(
    new Promise((resolve, reject) => {
      stream = request(
        { host: '127.0.0.1', port, path: `/ws/sse?token=${user}` },
        (res: IncomingMessage) => {
          if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
          res.setEncoding('utf8');
          let buf = '';
          const acked = (): void => resolve({ one, close: () => stream?.destroy() });
          res.on('data', (chunk: string) => {
            buf += chunk;
            for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (block.startsWith('data: ')) onFrame(one, block.slice(6), acked);
              else if (block.startsWith('event: session\ndata: ')) {
                const s = JSON.parse(block.slice(21)) as {
                  connectionId: string;
                  postSecret: string;
                };
                const body = `[${join(thread)}]`;
                const post = request(
                  {
                    host: '127.0.0.1',
                    port,
                    method: 'POST',
                    path: `/ws/sse/${encodeURIComponent(s.connectionId)}`,
                    headers: {
                      'content-type': 'application/json',
                      'content-length': Buffer.byteLength(body),
                      'x-wsm-secret': s.postSecret,
                      'x-wsm-seq': '1',
                    },
                  },
                  (answer) => {
                    answer.resume();
                    if (answer.statusCode !== 200)
                      reject(new Error(`join POST answered ${answer.statusCode}`));
                  },
                );
                post.on('error', reject);
                post.end(body);
              }
            }
          });
        },
      );
      stream.on('error', reject);
      stream.end();
    }),
    10_000,
    `http client ${user}`,
  );
}

/** `count` clients of one transport, joined to `thread`, connected a batch of 50 at a time. */
export async function connectClients(
  transport: 'websocket' | 'http',
  o: { readonly port: number; readonly count: number; readonly thread: string },
): Promise<ClientSet> {
  const open = transport === 'websocket' ? wsClient : sseClient;
  const all: { one: One; close(): void }[] = [];
  for (let i = 0; i < o.count; i += 50) {
    const batch = Array.from({ length: Math.min(50, o.count - i) }, (_v, j) =>
      open(o.port, `u${i + j}`, o.thread),
    );
    all.push(...(await Promise.all(batch)));
  }
  return {
    received: () => all.reduce((n, c) => n + c.one.seen.size + c.one.duplicates, 0),
    tally(from, to) {
      let received = 0;
      let duplicates = 0;
      let complete = 0;
      for (const { one } of all) {
        received += one.seen.size;
        duplicates += one.duplicates;
        let ok = true;
        for (let s = from + 1; s <= to && ok; s++) ok = one.seen.has(s);
        if (ok) complete++;
      }
      return { received, duplicates, complete };
    },
    reset() {
      for (const { one } of all) {
        one.seen.clear();
        one.duplicates = 0;
      }
    },
    close() {
      for (const c of all) c.close();
    },
  };
}
