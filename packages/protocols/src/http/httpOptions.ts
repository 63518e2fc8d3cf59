import type { Clock, Logger, RefreshCredentials, WsError } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from '../ws/attachOptions.js';

/** Options of `httpTransport`. */
export interface HttpTransportOptions {
  /**
   * The base path, as `attach`'s: the stream is `GET <path>/sse`, the POSTs
   * `POST <path>/sse/<connectionId>`. Any other path is not this handler's (it answers false).
   * @default '/ws'
   */
  readonly path?: string;
  /**
   * Resolves the user of a stream, as on WebSocket (`Authorization: Bearer`, else `?token=`), or
   * refuses it (HTTP 401).
   */
  readonly authenticate: Authenticate;
  /**
   * Checks the token of a client's `refresh` frame, as `attach`'s option.
   * @default none (`refresh` frames are answered `forbidden`)
   */
  readonly refresh?: RefreshCredentials;
  /**
   * Origins allowed to open streams and POST, matched exactly (`'*'`: any); an allowed cross
   * origin gets CORS answers, any other origin 403.
   * @default same-origin only (the Origin's host equals the Host header)
   */
  readonly allowedOrigins?: readonly string[] | '*';
  /**
   * Accept requests without an `Origin` header (non-browser clients).
   * @default true
   */
  readonly allowMissingOrigin?: boolean;
  /**
   * Concurrent streams (and streams waiting for `authenticate`) per client IP; past it HTTP 429.
   * 0 turns it off (proxies and tests share addresses).
   * @default 0
   */
  readonly maxConnectionsPerIp?: number;
  /**
   * Concurrent POSTs in flight per client IP (a client keeps one per connection); past it HTTP
   * 429. It bounds what one address can make this instance forward to its peers. 0 turns it off.
   * @default 64
   */
  readonly maxPostsInFlightPerIp?: number;
  /**
   * The `Retry-After` of 503 (full, draining, closed, `authenticate` too slow) and 429 answers,
   * in seconds.
   * @default 5
   */
  readonly retryAfterSeconds?: number;
  /**
   * How long `authenticate` may take; past it HTTP 503.
   * @default 10000
   */
  readonly authenticateTimeoutMs?: number;
  /**
   * Deepest nesting the JSON codec accepts.
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * Frames in one POST; past it HTTP 413 (nothing delivered).
   * @default 100
   */
  readonly maxFramesPerPost?: number;
  /**
   * Bytes of one POST body; past it HTTP 413 (nothing delivered). Each frame inside also meets
   * core's `maxMessageBytes`, as on WebSocket.
   * @default 262144, or the manager's maxMessageBytes + 1024 when that is larger
   */
  readonly maxBodyBytes?: number;
  /**
   * Interval of the stream's `: ka` keep-alive comment, in milliseconds; 0 turns it off.
   * @default 15000
   */
  readonly keepAliveMs?: number;
  /**
   * The client IP used by the per-IP limits and logs.
   * @default request.socket.remoteAddress (no proxy header is trusted)
   */
  readonly clientIp?: (request: IncomingMessage) => string;
  /**
   * Timers (the authenticate timeout).
   * @default systemClock()
   */
  readonly clock?: Clock;
  /**
   * Where refusals are logged (debug); URLs are redacted, secrets never logged.
   * @default consoleLogger()
   */
  readonly logger?: Logger;
  /**
   * Receives failures (a throwing `authenticate`, a failing `receive`); never throws back.
   * @default logs to `logger.error`
   */
  readonly onError?: (err: WsError, info: { readonly stage: string }) => void;
}

/** Defaults of {@link HttpTransportOptions}. */
export const httpTransportDefaults = Object.freeze({
  path: '/ws',
  allowMissingOrigin: true,
  maxConnectionsPerIp: 0,
  maxPostsInFlightPerIp: 64,
  retryAfterSeconds: 5,
  authenticateTimeoutMs: 10_000,
  maxDepth: 32,
  maxFramesPerPost: 100,
  maxBodyBytes: 262_144,
  keepAliveMs: 15_000,
} as const);
