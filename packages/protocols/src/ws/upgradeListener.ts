import { redactUrl } from '@ws/core';
import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { readHandshake } from '../internal/credentials.js';
import type { HttpRefusal } from '../internal/httpRefusal.js';
import { writeRefusal } from '../internal/httpRefusal.js';
import { acceptConnection } from './acceptConnection.js';
import { authenticateHandshake } from './authenticateHandshake.js';
import type { AcceptedHandshake, UpgradeRequest } from './checkHandshake.js';
import { checkAuthenticated, checkHandshake } from './checkHandshake.js';
import type { ConnectionListeners } from './connectionListeners.js';
import { connectionListeners } from './connectionListeners.js';
import type { Endpoint } from './endpoint.js';

/** A Node server's 'upgrade' listener. */
export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Distinct redacted URLs an attach keeps one shared copy of (most connections share a few). */
const maxSharedUrls = 256;

const notOurs: Readonly<HttpRefusal> = { status: 404, reason: 'no WebSocket endpoint here' };

/** A handshake that passed {@link checkHandshake}, waiting for `authenticate`. */
interface PendingUpgrade {
  readonly request: UpgradeRequest;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly listeners: ConnectionListeners;
  readonly handshake: AcceptedHandshake;
}

function uncork(socket: Duplex): void {
  if (!socket.destroyed) socket.uncork();
}

function refuse(
  endpoint: Endpoint,
  pending: Pick<PendingUpgrade, 'request' | 'socket'>,
  refusal: HttpRefusal,
): void {
  const { status, reason } = refusal;
  const { ip, url } = pending.request;
  endpoint.config.logger.debug('websocket upgrade refused', {
    status,
    reason,
    path: endpoint.config.path,
    url,
    ip,
  });
  writeRefusal(pending.socket, refusal);
}

/**
 * Counts the handshake while `authenticate` runs, checks again once it answered, then upgrades:
 * the 101 response and the frames of the same loop turn (core's `welcome` when the connection
 * registers at once) leave in one write, the socket being corked until the turn's check phase.
 */
function authenticateThenUpgrade(endpoint: Endpoint, pending: PendingUpgrade): void {
  const { config, counts } = endpoint;
  const { request, socket, handshake } = pending;
  const ip = request.ip;
  counts.handshakes.inc(ip);
  authenticateHandshake(config, request.req, handshake.token)
    .then((answer) => {
      counts.handshakes.dec(ip);
      if (socket.destroyed) return;
      const checked = checkAuthenticated(answer, config, endpoint);
      if (!checked.ok) return refuse(endpoint, pending, checked);
      socket.cork();
      setImmediate(uncork, socket);
      endpoint.wss.handleUpgrade(request.req, socket, pending.head, (ws) => {
        acceptConnection(endpoint, {
          ws,
          request,
          listeners: pending.listeners,
          handshake,
          auth: checked.auth,
        });
      });
    })
    .catch((err: unknown) => {
      config.reportError(err, 'upgrade');
      if (!socket.destroyed) socket.destroy();
    });
}

/**
 * The 'upgrade' listener of one attach: upgrades of other paths are left to the server's other
 * listeners (404 when there is none, instead of hanging); on the path, {@link checkHandshake}
 * answers a refusal, written as a plain HTTP response, or the handshake goes on to `authenticate`.
 */
export function createUpgradeListener(endpoint: Endpoint): UpgradeListener {
  const config = endpoint.config;
  // Each connection keeps its redacted URL for its debug logs; equal URLs (the common case: the
  // secrets are redacted) share one string instead of a concatenation of their own per connection.
  const sharedUrls = new Map<string, string>();
  const shareUrl = (url: string): string => {
    const known = sharedUrls.get(url);
    if (known !== undefined) return known;
    if (sharedUrls.size < maxSharedUrls) sharedUrls.set(url, url);
    return url;
  };
  return (req, socket, head) => {
    const info = readHandshake(req);
    if (info.pathname !== config.path) {
      if (config.server.listenerCount('upgrade') <= 1) writeRefusal(socket, notOurs);
      return;
    }
    const clientIp = config.clientIp;
    const ip = clientIp(req);
    const request: UpgradeRequest = { req, info, ip, url: shareUrl(redactUrl(req.url ?? '')) };
    const listeners = connectionListeners(socket, endpoint, request);
    const handshake = checkHandshake(request, config, endpoint);
    if (!handshake.ok) return refuse(endpoint, { request, socket }, handshake);
    authenticateThenUpgrade(endpoint, { request, socket, head, listeners, handshake });
  };
}
