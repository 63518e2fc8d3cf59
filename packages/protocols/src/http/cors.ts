import type { IncomingMessage } from 'node:http';
import { requestHeader } from '../internal/credentials.js';
import { originAllowed, type OriginPolicy } from '../internal/origin.js';

/** Whether a request's Origin passes, and the CORS headers its answer carries. */
export interface CorsDecision {
  readonly allowed: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

/** The headers of a preflight (`OPTIONS`) answer for an allowed origin. */
export const preflightHeaders: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Wsm-Secret, X-Wsm-Seq',
  'Access-Control-Max-Age': '600',
};

/**
 * The origin check of the HTTP transport, as `attach`'s: a same-origin (or Origin-less, when
 * allowed) request gets no CORS headers; an allowed cross origin gets
 * `Access-Control-Allow-Origin: <origin>` and `Vary: Origin`, never
 * `Access-Control-Allow-Credentials` (tokens travel in the query and headers).
 */
export function corsDecision(req: IncomingMessage, policy: OriginPolicy): CorsDecision {
  const origin = requestHeader(req, 'origin');
  const host = requestHeader(req, 'host');
  if (!originAllowed(origin, host, policy)) return { allowed: false, headers: {} };
  const sameOrigin = origin === undefined || originAllowed(origin, host, sameOriginOnly);
  if (sameOrigin) return { allowed: true, headers: {} };
  return {
    allowed: true,
    headers: {
      'Access-Control-Allow-Origin': origin,
      Vary: 'Origin',
      'Access-Control-Expose-Headers': 'Retry-After',
    },
  };
}

const sameOriginOnly: Readonly<OriginPolicy> = Object.freeze({
  allowedOrigins: undefined,
  allowMissingOrigin: false,
});
