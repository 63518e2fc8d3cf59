import type { BackoffOptions } from './backoff.js';
import type { ClientCodec } from './codec.js';
import type { WebSocketConstructor } from './socket.js';

/** Timers the client uses; injectable for tests. Handles are unref'd where the runtime can. */
export interface ClientTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Heartbeat figures: after `intervalMs` without inbound traffic the client pings; after `intervalMs + timeoutMs` it gives the socket up. */
export interface HeartbeatFigures {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Options of `createClient`. */
export interface ClientOptions {
  /** The server's WebSocket URL (`ws:` or `wss:`), e.g. `wss://chat.example.com/ws`. */
  readonly url: string;
  /**
   * A token sent as `?token=` (browsers cannot set headers on a WebSocket).
   * @default none
   */
  readonly token?: string;
  /**
   * Returns a token; called before the first connect when `token` is not given, and once after
   * a 4102 close (session expired): a fresh token reconnects, the same one (or none) stops.
   * @default none
   */
  readonly getToken?: () => string | undefined | null | Promise<string | undefined | null>;
  /**
   * The wire encoding: subprotocol `wsm.v1.json` or `wsm.v1.msgpack`. MessagePack needs
   * `codec: msgpackCodec()` from `@ws/client/msgpack`.
   * @default 'json'
   */
  readonly protocol?: 'json' | 'msgpack';
  /**
   * The codec; must match `protocol`.
   * @default jsonCodec() for 'json'
   */
  readonly codec?: ClientCodec;
  /**
   * The WHATWG `WebSocket` constructor (in Node 20: undici's `WebSocket`).
   * @default globalThis.WebSocket
   */
  readonly WebSocket?: WebSocketConstructor;
  /**
   * The transports to try, in order. `'http'` is the fallback for networks that block WebSocket
   * (Server-Sent Events down, POSTs up, on the same host: PROTOCOL.md, "HTTP transport"; JSON
   * only): an attempt that closes before `welcome`, or has none within `fallbackMs`, makes the
   * next attempt use the next transport, until one reaches `welcome`; that one is then kept for
   * the client's life.
   * @default ['websocket', 'http'] (['websocket'] with msgpack or without a global fetch)
   */
  readonly transports?: readonly Transport[];
  /**
   * How long an attempt on a transport that has another after it (the WebSocket, by default) may
   * take to reach `welcome` before the next attempt uses the next transport, in ms (the last
   * transport gets `connectTimeoutMs`).
   * @default 3000
   */
  readonly fallbackMs?: number;
  /**
   * Time a request (`join`, `leave`, `publish`, `direct`) may take, queueing included, before it
   * rejects with `timeout`, in ms.
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Time from opening a socket to the server's `welcome` before the attempt counts as failed, in ms.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Reconnect backoff: exponential with full jitter.
   * @default { minMs: 500, maxMs: 30000, factor: 2 }
   */
  readonly backoff?: BackoffOptions;
  /**
   * How long a connection must stay open before the backoff starts over from its first step, in ms.
   * @default 5000
   */
  readonly stableAfterMs?: number;
  /**
   * Extra wait before reconnecting after a 1008 (policy) close, in ms; backoff is added on top.
   * @default 30000
   */
  readonly policyWaitMs?: number;
  /**
   * Requests kept while disconnected; past it they reject with `queue_full`.
   * @default 100
   */
  readonly maxQueued?: number;
  /**
   * Where a `reconnect` hint may send the client: hostnames (`chat.example.com`) or origins
   * (`wss://chat.example.com:443`). A `wss:` client never follows a hint to `ws:`.
   * @default the hostname of `url`
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Source of randomness for the backoff jitter, values in [0, 1).
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * Timers.
   * @default globalThis.setTimeout / clearTimeout, unref'd in Node
   */
  readonly timers?: ClientTimers;
  /**
   * Noticing a dead network. With figures (the server's, sent in `welcome.heartbeat` by
   * `@ws/heartbeat`, else these), the client sends `{"type":"ping"}` after `intervalMs` (ms)
   * without inbound traffic; when nothing arrives for `intervalMs + timeoutMs` it closes the
   * socket, reconnects and resumes (a `reconnecting` event with code 1006 and a reason naming
   * the heartbeat). These figures serve servers whose `welcome` has none; `false` turns it off.
   * @default the welcome's `heartbeat`; off when the server sends none
   */
  readonly heartbeat?: HeartbeatFigures | false;
  /**
   * Refreshing credentials in place: when the `welcome` (or the last refresh's `ack`) carries
   * `expiresAt` and `getToken` is given, the client calls `getToken` this long before the expiry
   * (at the latest half-way through the time left) and sends the token in a `refresh` frame: no
   * reconnect, no resume. A server that refuses (`unknown_type` from one without refresh,
   * `forbidden`) gets today's behaviour: the 4102 close, one `getToken`, a reconnect. Times are
   * the server's clock read on this one: a skew of more than this figure means a 4102 reconnect.
   * `false`: never refresh in place.
   * @default 30000
   */
  readonly refreshAheadMs?: number | false;
  /**
   * Connect as soon as the client is created; otherwise call `connect()`.
   * @default true
   */
  readonly autoConnect?: boolean;
}

/** A way to reach the server: a WebSocket, or the HTTP fallback. */
export type Transport = 'websocket' | 'http';

/** The defaults of {@link ClientOptions}. */
export const clientDefaults = {
  protocol: 'json',
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  fallbackMs: 3_000,
  backoff: { minMs: 500, maxMs: 30_000, factor: 2 },
  stableAfterMs: 5_000,
  policyWaitMs: 30_000,
  maxQueued: 100,
  refreshAheadMs: 30_000,
  autoConnect: true,
} as const;
