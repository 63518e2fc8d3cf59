import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ResolvedKey } from './settings.js';
import { keyDigest } from './settings.js';

/** The bearer token of an `Authorization: Bearer <token>` header, if any. */
function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * The key a request presents, or `undefined`. Every key is compared (in constant time, over
 * digests, so neither the length nor the position of a match leaks).
 */
export function findKey(
  req: IncomingMessage,
  keys: readonly ResolvedKey[],
): ResolvedKey | undefined {
  const token = bearer(req);
  if (token === undefined) return undefined;
  const presented = keyDigest(token);
  let found: ResolvedKey | undefined;
  for (const k of keys) {
    if (timingSafeEqual(presented, k.digest) && found === undefined) found = k;
  }
  return found;
}
