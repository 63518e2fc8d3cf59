import type { Clock, Logger, RefreshCredentials, WsError } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import type { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import type { Subprotocol } from '../negotiate.js';
import type { WsAdapter } from './wsSocket.js';

/** What `authenticate` resolves to for an accepted handshake. */
export interface AuthResult {
  /** The connection's user; decided here, once, never from a frame. */
  readonly userId: string;
  /** When the credentials expire (ms since epoch); core then closes with 4102. */
  readonly expiresAt?: number;
  /** Application context for plugins and authorization callbacks. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * Authenticates a handshake. `token` is the `Authorization: Bearer` token, else the `?token=`
 * query parameter. Resolve null/undefined/false (or throw) to refuse with HTTP 401.
 */
export type Authenticate = (
  request: IncomingMessage,
  token: string | undefined,
) => AuthResult | null | undefined | false | Promise<AuthResult | null | undefined | false>;

/** The part of a Node `http`/`https` server `attach` uses. */
export interface UpgradeServer {
  on(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): unknown;
  removeListener(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): unknown;
  listenerCount(event: 'upgrade'): number;
}

/** Options of `attach`. */
export interface AttachOptions {
  /** The Node `http` or `https` server whose upgrades to handle. */
  readonly server: UpgradeServer;
  /**
   * The path this endpoint answers (exact match, query string ignored). Upgrades for any other
   * path are left to the server's other 'upgrade' listeners; when there is none, they get 404.
   * @default '/ws'
   */
  readonly path?: string;
  /** Resolves the user of a handshake, or refuses it (HTTP 401). */
  readonly authenticate: Authenticate;
  /**
   * Checks the token of a client's `refresh` frame (new credentials without a reconnect): resolve
   * `{ userId, expiresAt }` for the connection's own user to move its 4102 deadline, or refuse
   * (null/undefined/false or a throw) to keep it. Core answers the frame (`ack` with the new
   * `expiresAt`, else `forbidden`; another user's token is refused and counted as a violation).
   * @default none (`refresh` frames are answered `forbidden`; clients reconnect at expiry)
   */
  readonly refresh?: RefreshCredentials;
  /**
   * Origins allowed to connect, matched exactly (`'*'`: any). `null` is refused unless listed.
   * @default same-origin only (the Origin's host equals the Host header)
   */
  readonly allowedOrigins?: readonly string[] | '*';
  /**
   * Accept handshakes without an `Origin` header (non-browser clients, which can send any
   * Origin anyway; the check protects browsers from cross-site WebSocket hijacking).
   * @default true
   */
  readonly allowMissingOrigin?: boolean;
  /**
   * Subprotocol of clients that offer none.
   * @default 'wsm.v1.json'
   */
  readonly defaultSubprotocol?: Subprotocol;
  /**
   * Subprotocols accepted.
   * @default ['wsm.v1.json', 'wsm.v1.msgpack', 'legacy.json']
   */
  readonly subprotocols?: readonly Subprotocol[];
  /**
   * Concurrent connections (and handshakes) per client IP; past it HTTP 429. 0 turns it off
   * (proxies and tests share addresses).
   * @default 0
   */
  readonly maxConnectionsPerIp?: number;
  /**
   * Concurrent handshakes (upgrades waiting for `authenticate`) per client IP; past it HTTP 429.
   * 0 turns it off.
   * @default 0
   */
  readonly maxHandshakesPerIp?: number;
  /**
   * The `Retry-After` of 503 (full or draining) and 429 responses, in seconds.
   * @default 5
   */
  readonly retryAfterSeconds?: number;
  /**
   * How long `authenticate` may take; past it HTTP 503.
   * @default 10000
   */
  readonly authenticateTimeoutMs?: number;
  /**
   * Deepest nesting the codecs accept.
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * Major versions of legacy clients counted by name in `ws_legacy_connections_total`.
   * @default ['1', '2']
   */
  readonly legacyClientVersions?: readonly string[];
  /**
   * permessage-deflate: off, because zlib contexts per connection fragment memory badly under
   * load (and compressed frames cannot take the framed-once broadcast path).
   * @default false
   */
  readonly perMessageDeflate?: boolean;
  /**
   * The client IP used by the per-IP limits and logs.
   * @default request.socket.remoteAddress (no proxy header is trusted)
   */
  readonly clientIp?: (request: IncomingMessage) => string;
  /**
   * The socket adapter (one per attach, so broadcasts are framed once).
   * @default createWsAdapter()
   */
  readonly adapter?: WsAdapter;
  /**
   * Timers (the authenticate timeout).
   * @default systemClock()
   */
  readonly clock?: Clock;
  /**
   * Where refusals (debug) and the legacy warning (warn) are logged; URLs are redacted.
   * @default consoleLogger()
   */
  readonly logger?: Logger;
  /**
   * Receives failures (a throwing `authenticate`, a socket error); never throws back.
   * @default logs to `logger.error`
   */
  readonly onError?: (err: WsError, info: { readonly stage: string }) => void;
}

/** Defaults of {@link AttachOptions}. */
export const attachDefaults = {
  path: '/ws',
  allowMissingOrigin: true,
  defaultSubprotocol: 'wsm.v1.json',
  subprotocols: ['wsm.v1.json', 'wsm.v1.msgpack', 'legacy.json'],
  maxConnectionsPerIp: 0,
  maxHandshakesPerIp: 0,
  retryAfterSeconds: 5,
  authenticateTimeoutMs: 10_000,
  maxDepth: 32,
  legacyClientVersions: ['1', '2'],
  perMessageDeflate: false,
} as const;
