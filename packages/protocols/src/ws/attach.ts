import type { Logger, Manager, UserId } from '@ws/core';
import {
  WsError,
  consoleLogger,
  isUserId,
  redactUrl,
  subprotocols,
  systemClock,
  toWsError,
} from '@ws/core';
import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { clientVersionBucket } from '../clientVersion.js';
import { createCodec } from '../codecs.js';
import { readHandshake, requestHeader } from '../internal/credentials.js';
import { writeRefusal } from '../internal/httpRefusal.js';
import type { KeyCounter } from '../internal/ipCounter.js';
import { createKeyCounter } from '../internal/ipCounter.js';
import { originAllowed } from '../internal/origin.js';
import type { LegacyCodec } from '../legacyCodec.js';
import type { Subprotocol } from '../negotiate.js';
import { isSubprotocol, negotiateSubprotocol } from '../negotiate.js';
import type { AttachOptions, Authenticate, AuthResult } from './attachOptions.js';
import { attachDefaults } from './attachOptions.js';
import { createWsAdapter } from './wsSocket.js';

/** What `attach` returns. */
export interface AttachHandle {
  /** The path this endpoint answers. */
  readonly path: string;
  /** The `ws` server (noServer mode) doing the handshakes. */
  readonly wss: WebSocketServer;
  /** Handshakes waiting for `authenticate`, and open connections accepted by this attach. */
  stats(): { readonly handshakes: number; readonly connections: number };
  /**
   * Stops accepting: removes the 'upgrade' listener and closes the `ws` server. Open connections
   * stay with the manager (close them with `manager.close()`).
   */
  close(): Promise<void>;
}

const keyPattern = /^[+/0-9A-Za-z]{22}==$/;

/** Distinct redacted URLs an attach keeps one shared copy of (most connections share a few). */
const maxSharedUrls = 256;

/** The listeners one upgrade keeps for the connection's whole life. */
interface ConnectionListeners {
  /** `ws` errors (and adapter listener failures), to the debug log. */
  readonly wsError: (err: unknown) => void;
  /**
   * Releases the connection's per-IP count (`ws` emits 'close' once); only when a per-IP limit is
   * set: otherwise one shared function counts the total and no closure is kept per connection.
   */
  readonly released: (() => void) | undefined;
}

/**
 * Logs the upgrade socket's errors (for the connection's whole life: `ws` does not report TCP
 * errors after the upgrade) and makes the accepted connection's other two listeners. A function of
 * its own, so the three share one small closure context (`ip`, `url`) and hold nothing of the
 * upgrade handler's scope, which holds the request (`IncomingMessage`, headers and all).
 */
function connectionListeners(
  socket: Duplex,
  logger: Logger,
  connections: KeyCounter | undefined,
  ip: string,
  url: string,
): ConnectionListeners {
  socket.on('error', (err: Error) =>
    logger.debug('upgrade socket error', { error: err.message, ip }),
  );
  return {
    wsError: (err) => logger.debug('websocket error', { error: toWsError(err).message, url, ip }),
    released: connections === undefined ? undefined : () => connections.dec(ip),
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function uncork(socket: Duplex): void {
  if (!socket.destroyed) socket.uncork();
}

function normalizeIp(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * Attaches a manager to a Node `http`/`https` server: handles the upgrades of `path` only
 * (every other path is left to other 'upgrade' listeners), refusing with plain HTTP statuses
 * before any upgrade: 400 (malformed request, unknown subprotocols), 401 (authentication), 403
 * (origin), 429 (per-IP limits, off by default), 503 + `Retry-After` (manager full, draining or
 * closed, or `authenticate` too slow). Accepted sockets get a per-connection codec from the
 * negotiated subprotocol and are handed to `manager.connectUser` with `?resume=` as the resume
 * token. `ws` enforces `maxPayload = manager.limits.maxMessageBytes` (1009) and UTF-8 (1007);
 * the adapter closes binary frames on a text subprotocol with 1003.
 */
export function attach(manager: Manager, options: AttachOptions): AttachHandle {
  const d = attachDefaults;
  const server = options.server;
  const path = options.path ?? d.path;
  const accepted: readonly Subprotocol[] = options.subprotocols ?? d.subprotocols;
  const defaultSubprotocol = options.defaultSubprotocol ?? d.defaultSubprotocol;
  const maxPerIp = options.maxConnectionsPerIp ?? d.maxConnectionsPerIp;
  const maxHandshakesPerIp = options.maxHandshakesPerIp ?? d.maxHandshakesPerIp;
  const retryAfter = String(options.retryAfterSeconds ?? d.retryAfterSeconds);
  const authTimeoutMs = options.authenticateTimeoutMs ?? d.authenticateTimeoutMs;
  const maxDepth = options.maxDepth ?? d.maxDepth;
  const sharedCodecs = {
    json: createCodec(subprotocols.json, { maxDepth }),
    msgpack: createCodec(subprotocols.msgpack, { maxDepth }),
  };
  const legacyVersions = options.legacyClientVersions ?? d.legacyClientVersions;
  const allowMissingOrigin = options.allowMissingOrigin ?? d.allowMissingOrigin;
  const clock = options.clock ?? systemClock();
  const logger = options.logger ?? consoleLogger();
  const adapter = options.adapter ?? createWsAdapter();
  const clientIp =
    options.clientIp ?? ((req: IncomingMessage) => normalizeIp(req.socket.remoteAddress));
  const reportError = (err: unknown, stage: string): void => {
    const error = toWsError(err);
    try {
      if (options.onError) options.onError(error, { stage });
      else logger.error(`${stage}: ${error.message}`, { code: error.code, stage });
    } catch (inner) {
      logger.error(`onError threw while reporting ${stage}`, { error: String(inner) });
    }
  };

  if (!path.startsWith('/'))
    throw new WsError('invalid_options', `path must start with "/", got "${path}"`);
  if (!isSubprotocol(defaultSubprotocol) || !accepted.includes(defaultSubprotocol)) {
    throw new WsError(
      'invalid_options',
      `defaultSubprotocol "${defaultSubprotocol}" is not among the accepted subprotocols`,
    );
  }
  for (const name of accepted) {
    if (!isSubprotocol(name))
      throw new WsError('invalid_options', `unknown subprotocol "${String(name)}"`);
  }

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: manager.limits.maxMessageBytes,
    perMessageDeflate: options.perMessageDeflate ?? d.perMessageDeflate,
    handleProtocols: (offered: Set<string>) => {
      for (const name of offered) if (isSubprotocol(name) && accepted.includes(name)) return name;
      return false;
    },
  });
  // Each connection keeps its redacted URL for its debug logs; equal URLs (the common case: the
  // secrets are redacted) share one string instead of a concatenation of their own per connection.
  const sharedUrls = new Map<string, string>();
  const shareUrl = (url: string): string => {
    const known = sharedUrls.get(url);
    if (known !== undefined) return known;
    if (sharedUrls.size < maxSharedUrls) sharedUrls.set(url, url);
    return url;
  };
  const handshakes = createKeyCounter();
  // Per-IP counts only when a per-IP limit needs them; else just the total.
  const connections = maxPerIp > 0 ? createKeyCounter() : undefined;
  let openTotal = 0;
  const releasedShared = (): void => {
    openTotal--;
  };
  let closed = false;

  const refuse = (
    url: string,
    socket: Duplex,
    ip: string,
    status: number,
    reason: string,
  ): void => {
    logger.debug('websocket upgrade refused', { status, reason, path, url, ip });
    const headers: Record<string, string> =
      status === 503 || status === 429 ? { 'Retry-After': retryAfter } : {};
    writeRefusal(socket, status, reason, headers);
  };

  /** A valid answer of `authenticate`, or undefined (refused, or no valid user id). */
  const settle = (result: AuthResult | null | undefined | false): AuthResult | undefined => {
    if (result === null || result === undefined || result === false) return undefined;
    if (!isUserId(result.userId)) {
      reportError(
        new Error('authenticate resolved without a valid userId (1-256 characters)'),
        'authenticate',
      );
      return undefined;
    }
    return result;
  };

  const authenticate = async (
    req: IncomingMessage,
    token: string | undefined,
  ): Promise<AuthResult | 'timeout' | undefined> => {
    let answer: ReturnType<Authenticate>;
    try {
      await Promise.resolve(); // `authenticate` runs on a microtask, never inside the 'upgrade' event
      answer = options.authenticate(req, token);
    } catch (err) {
      logger.debug('authenticate threw', {
        error: toWsError(err).message,
        url: redactUrl(req.url ?? ''),
      });
      return undefined;
    }
    // A synchronous answer needs no timeout: no timer, no race.
    if (!isPromiseLike(answer)) return settle(answer);
    let timer: ReturnType<typeof clock.setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), authTimeoutMs);
    });
    try {
      const result = await Promise.race([answer, timeout]);
      return result === 'timeout' ? 'timeout' : settle(result);
    } catch (err) {
      logger.debug('authenticate threw', {
        error: toWsError(err).message,
        url: redactUrl(req.url ?? ''),
      });
      return undefined;
    } finally {
      if (timer !== undefined) clock.clear(timer);
    }
  };

  const accept = (
    ws: WebSocket,
    url: string,
    ip: string,
    listeners: ConnectionListeners,
    subprotocol: Subprotocol,
    auth: AuthResult,
    resumeToken: string | undefined,
    clientVersion: string | undefined,
  ): void => {
    if (connections !== undefined && listeners.released !== undefined) {
      connections.inc(ip);
      ws.on('close', listeners.released);
    } else {
      openTotal++;
      ws.on('close', releasedShared);
    }
    // JSON and MessagePack codecs are stateless: one of each per attach. Only the legacy codec
    // keeps per-connection state (its one warning).
    const codec =
      subprotocol === subprotocols.json
        ? sharedCodecs.json
        : subprotocol === subprotocols.msgpack
          ? sharedCodecs.msgpack
          : createCodec(subprotocol, {
              maxDepth,
              logger,
              metrics: manager.metrics,
              clientVersion: clientVersionBucket(clientVersion, legacyVersions),
              fields: { path, ip },
            });
    const socket = adapter.wrap(ws, {
      textOnly: !codec.binary,
      protocol: subprotocol,
      onError: listeners.wsError,
    });
    manager
      .connectUser(auth.userId as UserId, socket, {
        codec,
        context: { ...auth.context, remoteAddress: ip, subprotocol },
        ...(auth.expiresAt === undefined ? {} : { expiresAt: auth.expiresAt }),
        ...(resumeToken === undefined ? {} : { resumeToken }),
      })
      .then(
        () => {
          if (subprotocol === 'legacy.json') (codec as LegacyCodec).noteConnection();
        },
        (err: unknown) => {
          const e = toWsError(err);
          logger.debug('connection refused by the manager', {
            code: e.code,
            reason: e.message,
            url,
            ip,
          });
        },
      );
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const info = readHandshake(req);
    if (info.pathname !== path) {
      // Not ours. With no other 'upgrade' listener nobody would answer: refuse instead of hanging.
      if (server.listenerCount('upgrade') <= 1)
        writeRefusal(socket, 404, 'no WebSocket endpoint here');
      return;
    }
    const ip = clientIp(req);
    const url = shareUrl(redactUrl(req.url ?? ''));
    const listeners = connectionListeners(socket, logger, connections, ip, url);

    if (closed) return refuse(url, socket, ip, 503, 'endpoint closed');
    const version = requestHeader(req, 'sec-websocket-version');
    const upgrade = requestHeader(req, 'upgrade');
    if (
      req.method !== 'GET' ||
      upgrade === undefined ||
      upgrade.toLowerCase() !== 'websocket' ||
      !keyPattern.test(requestHeader(req, 'sec-websocket-key') ?? '') ||
      (version !== '13' && version !== '8')
    ) {
      return refuse(url, socket, ip, 400, 'malformed WebSocket handshake');
    }
    if (manager.state !== 'running')
      return refuse(url, socket, ip, 503, `server is ${manager.state}`);
    if (manager.getStats().connections + handshakes.total() >= manager.limits.maxConnections) {
      return refuse(url, socket, ip, 503, 'server full');
    }
    if (connections !== undefined && connections.get(ip) + handshakes.get(ip) >= maxPerIp) {
      return refuse(url, socket, ip, 429, 'too many connections from this address');
    }
    if (maxHandshakesPerIp > 0 && handshakes.get(ip) >= maxHandshakesPerIp) {
      return refuse(url, socket, ip, 429, 'too many handshakes from this address');
    }
    const origin = requestHeader(req, 'origin') ?? requestHeader(req, 'sec-websocket-origin');
    if (
      !originAllowed(origin, options.allowedOrigins, requestHeader(req, 'host'), allowMissingOrigin)
    ) {
      return refuse(url, socket, ip, 403, 'origin not allowed');
    }
    const negotiation = negotiateSubprotocol(
      requestHeader(req, 'sec-websocket-protocol'),
      accepted,
      defaultSubprotocol,
    );
    if (!negotiation.ok) return refuse(url, socket, ip, 400, negotiation.reason);

    handshakes.inc(ip);
    authenticate(req, info.token)
      .then((auth) => {
        handshakes.dec(ip);
        if (socket.destroyed) return;
        if (auth === 'timeout') return refuse(url, socket, ip, 503, 'authentication timed out');
        if (auth === undefined) return refuse(url, socket, ip, 401, 'authentication failed');
        if (closed) return refuse(url, socket, ip, 503, 'endpoint closed');
        if (manager.state !== 'running')
          return refuse(url, socket, ip, 503, `server is ${manager.state}`);
        // The 101 response and the frames of the same loop turn (core's `welcome` when the
        // connection registers at once) leave in one write: the socket is corked until the
        // turn's check phase.
        socket.cork();
        setImmediate(uncork, socket);
        wss.handleUpgrade(req, socket, head, (ws) => {
          accept(
            ws,
            url,
            ip,
            listeners,
            negotiation.subprotocol,
            auth,
            info.resumeToken,
            info.clientVersion,
          );
        });
      })
      .catch((err: unknown) => {
        reportError(err, 'upgrade');
        if (!socket.destroyed) socket.destroy();
      });
  };

  server.on('upgrade', onUpgrade);

  return {
    path,
    wss,
    stats: () => ({
      handshakes: handshakes.total(),
      connections: connections === undefined ? openTotal : connections.total(),
    }),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      server.removeListener('upgrade', onUpgrade);
      return new Promise((resolve) => {
        wss.close(() => resolve());
      });
    },
  };
}
