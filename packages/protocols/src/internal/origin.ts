/** Which origins may connect (the fields of `attach`'s resolved options). */
export interface OriginPolicy {
  /** An exact-match list, `'*'` for any origin, or undefined for same-origin only. */
  readonly allowedOrigins: readonly string[] | '*' | undefined;
  /** Whether a request without an Origin passes. */
  readonly allowMissingOrigin: boolean;
}

/**
 * Whether a handshake's `Origin` may connect. `allowedOrigins` is an exact-match list (no
 * prefixes, no suffixes: `https://app.example.com.evil.com` is not `https://app.example.com`;
 * `null` only if listed), `'*'` for any origin, or undefined for same-origin only (the Origin's
 * host must equal the request's Host header). A request without an Origin (a non-browser client)
 * passes when `allowMissingOrigin`.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  policy: OriginPolicy,
): boolean {
  if (origin === undefined) return policy.allowMissingOrigin;
  const allowed = policy.allowedOrigins;
  if (allowed === '*') return true;
  if (allowed !== undefined) return allowed.includes(origin);
  if (host === undefined || host === '') return false;
  const h = host.toLowerCase();
  return origin === `http://${h}` || origin === `https://${h}`;
}
