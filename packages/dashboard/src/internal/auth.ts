import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie that keeps a browser signed in after `?token=`. */
export const cookieName = 'ws_dashboard';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of two secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The cookie value that proves knowledge of the token without being the token: an HMAC of a
 * fixed label keyed by the token. It changes when the token changes.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('ws-dashboard-session-v1').digest('base64url');
}

/** The bearer token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** One cookie's value from the `Cookie` header. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** How a request proved it knows the token. */
export type AuthMethod = 'bearer' | 'cookie';

/** The secrets a request is checked against: the token and its {@link sessionValue}. */
export interface Credentials {
  readonly token: string;
  readonly session: string;
}

/** How a request proved it knows the token, or `undefined`. */
export function authenticate(
  req: IncomingMessage,
  credentials: Credentials,
  allowCookie: boolean,
): AuthMethod | undefined {
  const bearer = bearerToken(req);
  if (bearer !== undefined && safeEqual(bearer, credentials.token)) return 'bearer';
  if (allowCookie) {
    const cookie = readCookie(req, cookieName);
    if (cookie !== undefined && safeEqual(cookie, credentials.session)) return 'cookie';
  }
  return undefined;
}

/** True when the request came over TLS (directly or, as the proxy says, before it). */
export function isSecure(req: IncomingMessage): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  if (typeof forwarded === 'string' && forwarded.split(',')[0]?.trim() === 'https') return true;
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}
