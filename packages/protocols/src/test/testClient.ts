/** Real `ws` clients for the tests: frames recorded and awaited by type. */
import type { ServerFrame } from '@ws/core';
import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { TestServer } from './testServer.js';

/** A `ws` client that records frames (JSON text frames parsed) and its close. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[];
  readonly raw: (string | Buffer)[];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first (or next after `after`) frame of `type`. */
  next<T extends ServerFrame['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  send(frame: unknown): void;
}

export function connectClient(
  url: string,
  protocols?: string | string[],
  options: ConstructorParameters<typeof WebSocket>[2] = {},
  decode: (data: Buffer, isBinary: boolean) => unknown = (d) => JSON.parse(d.toString('utf8')),
): TestClient {
  const ws = new WebSocket(url, protocols, options);
  const frames: ServerFrame[] = [];
  const raw: (string | Buffer)[] = [];
  const waiters: { type: string; resolve: (f: ServerFrame) => void; seen: number }[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    raw.push(isBinary ? data : data.toString('utf8'));
    let frame: ServerFrame;
    try {
      frame = decode(data, isBinary) as ServerFrame;
    } catch {
      return;
    }
    frames.push(frame);
    for (const w of [...waiters]) {
      if (frame.type === w.type) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res: IncomingMessage) =>
      reject(new Error(`HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    );
  });
  return {
    ws,
    frames,
    raw,
    opened,
    closed,
    next(type, timeoutMs = 5000) {
      const found = frames.find((f) => f.type === type);
      if (found !== undefined && !waiters.some((w) => w.type === type)) {
        frames.splice(frames.indexOf(found), 1);
        return Promise.resolve(found as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          type,
          seen: frames.length,
          resolve: (f) => {
            clearTimeout(timer);
            frames.splice(frames.indexOf(f), 1);
            resolve(f as never);
          },
        });
      });
    },
    send(frame) {
      ws.send(JSON.stringify(frame));
    },
  };
}

/** Connects a `ws` client and waits for `welcome`; returns the client and the welcome frame. */
export async function connectWelcomed(
  url: string,
  protocols?: string | string[],
): Promise<{ client: TestClient; welcome: Extract<ServerFrame, { type: 'welcome' }> }> {
  const client = connectClient(url, protocols);
  await client.opened;
  const welcome = await client.next('welcome');
  return { client, welcome };
}

/** Asserts the server still works: a fresh connection upgrades and gets `welcome`. */
export async function expectAlive(srv: TestServer, user = 'zoe'): Promise<void> {
  const { client, welcome } = await connectWelcomed(srv.url(`token=good-${user}`));
  expect(welcome.userId).toBe(user);
  client.ws.close();
  await client.closed;
}
