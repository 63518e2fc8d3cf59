import type { Manager } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import type { HandshakeRequestInfo } from '../internal/credentials.js';
import { requestHeader } from '../internal/credentials.js';
import type { HttpRefusal } from '../internal/httpRefusal.js';
import type { OriginPolicy } from '../internal/origin.js';
import { originAllowed } from '../internal/origin.js';
import type { Subprotocol } from '../negotiate.js';
import { negotiateSubprotocol } from '../negotiate.js';
import type { AttachConfig } from './attachConfig.js';
import type { AuthResult } from './attachOptions.js';
import type { ConnectionCounts } from './ipLimits.js';
import { ipLimitReached } from './ipLimits.js';

/** One upgrade request on the attach's path. */
export interface UpgradeRequest {
  readonly req: IncomingMessage;
  /** Its URL and credentials, read once. */
  readonly info: HandshakeRequestInfo;
  /** The client IP (`clientIp`). */
  readonly ip: string;
  /** The redacted URL, for logs. */
  readonly url: string;
}

/** What the endpoint is at the moment of a check (read, never changed by the check). */
export interface HandshakeState {
  /** `close()` was called. */
  readonly closed: boolean;
  readonly manager: Pick<Manager, 'state' | 'limits' | 'getStats'>;
  readonly counts: ConnectionCounts;
}

/** The options a check reads. */
export type HandshakeConfig = Pick<AttachConfig, 'retryAfter' | 'accepted' | 'defaultSubprotocol'> &
  OriginPolicy;

/** A refused handshake: the HTTP answer, and the reason logged. */
export interface HandshakeRefusal extends HttpRefusal {
  readonly ok: false;
  readonly headers: Readonly<Record<string, string>>;
}

/** A handshake that may go on to `authenticate`. */
export interface AcceptedHandshake {
  readonly ok: true;
  /** The negotiated subprotocol (it chooses the connection's codec). */
  readonly subprotocol: Subprotocol;
  /** The credential given to `authenticate`: `Authorization: Bearer`, else `?token=`. */
  readonly token: string | undefined;
  /** `?resume=`, handed to core as the resume token. */
  readonly resumeToken: string | undefined;
  /** `?v=`, else `x-client-version` (the legacy metric's label). */
  readonly clientVersion: string | undefined;
}

/** The answer of {@link checkHandshake}. */
export type HandshakeCheck = HandshakeRefusal | AcceptedHandshake;

const keyPattern = /^[+/0-9A-Za-z]{22}==$/;

/** A refusal; 503 and 429 carry `Retry-After`. */
function refusal(config: HandshakeConfig, status: number, reason: string): HandshakeRefusal {
  const headers: Record<string, string> =
    status === 503 || status === 429 ? { 'Retry-After': config.retryAfter } : {};
  return { ok: false, status, reason, headers };
}

function wellFormed(req: IncomingMessage): boolean {
  const version = requestHeader(req, 'sec-websocket-version');
  const upgrade = requestHeader(req, 'upgrade');
  return (
    req.method === 'GET' &&
    upgrade !== undefined &&
    upgrade.toLowerCase() === 'websocket' &&
    keyPattern.test(requestHeader(req, 'sec-websocket-key') ?? '') &&
    (version === '13' || version === '8')
  );
}

/** 503 while the endpoint is closed or the manager is not running. */
function unavailable(config: HandshakeConfig, state: HandshakeState): HandshakeRefusal | undefined {
  if (state.closed) return refusal(config, 503, 'endpoint closed');
  const managerState = state.manager.state;
  if (managerState !== 'running') return refusal(config, 503, `server is ${managerState}`);
  return undefined;
}

/**
 * Checks an upgrade before `authenticate`, in this order: endpoint closed (503), malformed
 * request (400), manager not running (503) or full (503, handshakes in flight counted), per-IP
 * limits (429), origin (403), subprotocol negotiation (400). Answers the refusal, or what the
 * accepted handshake carries on. Changes nothing: the caller counts and writes.
 */
export function checkHandshake(
  request: UpgradeRequest,
  config: HandshakeConfig,
  state: HandshakeState,
): HandshakeCheck {
  const { req, info, ip } = request;
  if (state.closed) return refusal(config, 503, 'endpoint closed');
  if (!wellFormed(req)) return refusal(config, 400, 'malformed WebSocket handshake');
  const notRunning = unavailable(config, state);
  if (notRunning !== undefined) return notRunning;
  const { manager, counts } = state;
  if (manager.getStats().connections + counts.handshakes.total() >= manager.limits.maxConnections) {
    return refusal(config, 503, 'server full');
  }
  const limited = ipLimitReached(counts, ip);
  if (limited !== undefined) return refusal(config, 429, limited);
  const origin = requestHeader(req, 'origin') ?? requestHeader(req, 'sec-websocket-origin');
  if (!originAllowed(origin, requestHeader(req, 'host'), config)) {
    return refusal(config, 403, 'origin not allowed');
  }
  const negotiation = negotiateSubprotocol(
    requestHeader(req, 'sec-websocket-protocol'),
    config.accepted,
    config.defaultSubprotocol,
  );
  if (!negotiation.ok) return refusal(config, 400, negotiation.reason);
  return {
    ok: true,
    subprotocol: negotiation.subprotocol,
    token: info.token,
    resumeToken: info.resumeToken,
    clientVersion: info.clientVersion,
  };
}

/** A handshake `authenticate` accepted, with its answer. */
export interface AuthenticatedHandshake {
  readonly ok: true;
  readonly auth: AuthResult;
}

/**
 * Checks a handshake again once `authenticate` answered: too slow (503), refused (401), then the
 * endpoint closed or the manager stopped meanwhile (503). Else the handshake upgrades.
 */
export function checkAuthenticated(
  auth: AuthResult | 'timeout' | undefined,
  config: HandshakeConfig,
  state: HandshakeState,
): HandshakeRefusal | AuthenticatedHandshake {
  if (auth === 'timeout') return refusal(config, 503, 'authentication timed out');
  if (auth === undefined) return refusal(config, 401, 'authentication failed');
  return unavailable(config, state) ?? { ok: true, auth };
}
