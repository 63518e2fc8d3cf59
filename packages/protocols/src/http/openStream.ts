import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserId } from '@ws/core';
import { toWsError } from '@ws/core';
import { readHandshake } from '../internal/credentials.js';
import type { AuthResult } from '../ws/attachOptions.js';
import { authenticateHandshake } from '../ws/authenticateHandshake.js';
import type { CorsDecision } from './cors.js';
import type { HttpEndpoint } from './httpEndpoint.js';
import type { JsonAnswer } from './postAnswer.js';
import { credentialDigest, jsonError } from './postAnswer.js';
import { createSseSocket } from './sseSocket.js';
import { writeJson } from './writeJson.js';

/** The subprotocol an HTTP-transport connection reports: its frames are the JSON wire frames. */
const SUBPROTOCOL = 'wsm.v1.json';

function unavailable(e: HttpEndpoint, message: string): JsonAnswer {
  return jsonError(
    503,
    { code: 'unavailable', message },
    { headers: { 'Retry-After': e.config.retryAfter } },
  );
}

/** Why no stream can be taken now: closed, draining or full (503), else undefined. */
function unavailableNow(e: HttpEndpoint): JsonAnswer | undefined {
  const { manager } = e;
  if (e.closed) return unavailable(e, 'endpoint closed');
  if (manager.state !== 'running') return unavailable(e, `manager ${manager.state}`);
  if (manager.getStats().connections + e.handshakes.total() >= manager.limits.maxConnections)
    return unavailable(e, 'server full');
  return undefined;
}

/** Refuses a stream before `authenticate`: {@link unavailableNow}, or per-IP (429). */
function checkCapacity(e: HttpEndpoint, ip: string): JsonAnswer | undefined {
  const refusal = unavailableNow(e);
  if (refusal !== undefined) return refusal;
  const { config } = e;
  if (config.maxConnectionsPerIp > 0 && e.streams.get(ip) >= config.maxConnectionsPerIp) {
    return jsonError(
      429,
      { code: 'rate_limited', message: 'too many streams from this address' },
      { headers: { 'Retry-After': config.retryAfter } },
    );
  }
  return undefined;
}

/**
 * Starts the event stream and hands it to `manager.connectUser` with a fresh postSecret (core
 * keeps only its digest); the `session` event goes out once the manager registered it, before
 * the held `welcome`. A refusal by the manager is logged (debug): core closed the socket, which
 * wrote the `close` event.
 */
function startStream(
  e: HttpEndpoint,
  exchange: { readonly res: ServerResponse; readonly cors: CorsDecision },
  who: { readonly ip: string; readonly auth: AuthResult; readonly resumeToken?: string },
): void {
  const { res, cors } = exchange;
  const { ip, auth, resumeToken } = who;
  const { config, manager } = e;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
    ...cors.headers,
  });
  res.flushHeaders();
  const sse = createSseSocket(res, { keepAliveMs: config.keepAliveMs, flusher: e.flusher });
  e.streams.inc(ip);
  e.sockets.add(sse.socket);
  let accepted = false;
  sse.socket.onClose(() => {
    e.streams.dec(ip);
    e.sockets.delete(sse.socket);
    if (accepted) e.metrics.closed();
  });
  const postSecret = randomBytes(32).toString('base64url');
  manager
    .connectUser(auth.userId as UserId, sse.socket, {
      codec: config.codec,
      context: { ...auth.context, remoteAddress: ip, subprotocol: SUBPROTOCOL, transport: 'http' },
      credential: credentialDigest(postSecret),
      ...(auth.expiresAt === undefined ? {} : { expiresAt: auth.expiresAt }),
      ...(config.refresh === undefined ? {} : { refresh: config.refresh }),
      ...(resumeToken === undefined ? {} : { resumeToken }),
    })
    .then(
      (connectionId) => {
        if (sse.socket.readyState !== 1) return;
        accepted = true;
        e.metrics.opened();
        sse.open({ connectionId, postSecret });
      },
      (err: unknown) => {
        const error = toWsError(err);
        config.logger.debug('stream refused by the manager', { code: error.code, ip });
      },
    );
}

/**
 * `GET <path>/sse?token=&resume=`: origin (403), capacity (503, 429), `authenticate` (401, 503
 * when too slow), then the event stream. Every refusal is a JSON error with the CORS headers.
 */
export async function openStream(
  e: HttpEndpoint,
  req: IncomingMessage,
  exchange: { readonly res: ServerResponse; readonly cors: CorsDecision },
): Promise<number> {
  const { res, cors } = exchange;
  const refuse = (answer: JsonAnswer): number => {
    writeJson(res, answer, cors.headers);
    return answer.status;
  };
  if (!cors.allowed)
    return refuse(jsonError(403, { code: 'forbidden', message: 'origin not allowed' }));
  const ip = e.config.clientIp(req);
  const full = checkCapacity(e, ip);
  if (full !== undefined) return refuse(full);
  const info = readHandshake(req);
  e.streams.inc(ip);
  e.handshakes.inc(ip);
  let auth: Awaited<ReturnType<typeof authenticateHandshake>>;
  try {
    auth = await authenticateHandshake(e.config, req, info.token);
  } finally {
    e.streams.dec(ip);
    e.handshakes.dec(ip);
  }
  if (auth === 'timeout') return refuse(unavailable(e, 'authentication timed out'));
  if (auth === undefined)
    return refuse(jsonError(401, { code: 'unauthorized', message: 'authentication failed' }));
  if (res.socket === null || res.socket.destroyed) return 499; // the client left meanwhile
  // Closed, draining or filled up while `authenticate` ran.
  const late = unavailableNow(e);
  if (late !== undefined) return refuse(late);
  const who =
    info.resumeToken === undefined ? { ip, auth } : { ip, auth, resumeToken: info.resumeToken };
  startStream(e, exchange, who);
  return 200;
}
