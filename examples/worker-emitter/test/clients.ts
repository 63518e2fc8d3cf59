/** `@ws/client` clients for the tests, on the `ws` package, with a handle to drop their socket. */
import type { Client, ClientMessage } from '@ws/client';
import { createClient } from '@ws/client';
import { WebSocket } from 'ws';

/** A client that records what it receives and what happened to it. */
export interface TestClient {
  readonly client: Client;
  readonly messages: ClientMessage[];
  /** Close codes of the `closed` events (never retried). */
  readonly closed: number[];
  /** Close codes of the `reconnecting` events. */
  readonly reconnecting: number[];
  /** `resumed` events: thread and whether nothing was missing. */
  readonly resumed: { thread: string; recovered: boolean }[];
  /** Drops the current socket without a close handshake (the client sees 1006, and resumes). */
  drop(): void;
}

/** Connects `user` (its token is its id) to `url`. */
export function testClient(url: string, user: string): TestClient {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      sockets.push(this);
    }
  }
  const client = createClient({
    url,
    token: user,
    WebSocket: Tracked,
    backoff: { minMs: 100, maxMs: 1000, factor: 2 },
    requestTimeoutMs: 30_000,
    maxQueued: 1000,
  });
  const t: TestClient = {
    client,
    messages: [],
    closed: [],
    reconnecting: [],
    resumed: [],
    drop: () => sockets.at(-1)?.terminate(),
  };
  client.on('message', (m) => t.messages.push(m));
  client.on('closed', (e) => t.closed.push(e.code));
  client.on('reconnecting', (e) => t.reconnecting.push(e.code));
  client.on('resumed', (e) => t.resumed.push({ thread: e.thread, recovered: e.recovered }));
  return t;
}
