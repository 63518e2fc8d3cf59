import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUserName } from './names.js';

/** A verified token: who, and until when (ms since epoch). */
export interface TokenClaims {
  readonly userId: string;
  readonly expiresAt: number;
}

/** Issues and verifies the demo's HMAC-SHA256 signed tokens. */
export interface TokenService {
  /** A token for `userId`, valid for the service's TTL from now. */
  issue(userId: string): string;
  /** The claims of a valid, unexpired token with a good signature; else null. */
  verify(token: string): TokenClaims | null;
}

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  /** The HMAC key. */
  readonly secret: string;
  /**
   * How long a token stays valid, in ms.
   * @default 43200000 (12 hours)
   */
  readonly ttlMs?: number;
  /**
   * The clock.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** Defaults of {@link TokenServiceOptions}. */
export const tokenServiceDefaults = { ttlMs: 12 * 60 * 60 * 1000 } as const;

/**
 * Tokens are `<payload>.<signature>`: base64url JSON `{ "u": user, "e": expiresAt }` and the
 * base64url HMAC-SHA256 of the payload under the secret. Development login only: anyone may ask
 * for a token under any name.
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const ttlMs = options.ttlMs ?? tokenServiceDefaults.ttlMs;
  const now = options.now ?? Date.now;
  const sign = (payload: string): Buffer =>
    createHmac('sha256', options.secret).update(payload).digest();
  return {
    issue(userId) {
      const payload = Buffer.from(JSON.stringify({ u: userId, e: now() + ttlMs })).toString(
        'base64url',
      );
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    verify(token) {
      if (token.length > 512) return null;
      const dot = token.indexOf('.');
      if (dot <= 0) return null;
      const payload = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = sign(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let claims: unknown;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return null;
      }
      if (typeof claims !== 'object' || claims === null) return null;
      const { u, e } = claims as { u?: unknown; e?: unknown };
      if (!isUserName(u) || typeof e !== 'number' || !Number.isFinite(e)) return null;
      if (e <= now()) return null;
      return { userId: u, expiresAt: e };
    },
  };
}
