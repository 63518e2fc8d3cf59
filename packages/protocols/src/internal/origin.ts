/**
 * Whether a handshake's `Origin` may connect. `allowed` is an exact-match list (no prefixes, no
 * suffixes: `https://app.example.com.evil.com` is not `https://app.example.com`; `null` only if
 * listed), `'*'` for any origin, or undefined for same-origin only (the Origin's host must equal
 * the request's Host header). A request without an Origin (a non-browser client) passes when
 * `allowMissing`.
 */
export function originAllowed(
  origin: string | undefined,
  allowed: readonly string[] | '*' | undefined,
  host: string | undefined,
  allowMissing: boolean,
): boolean {
  if (origin === undefined) return allowMissing;
  if (allowed === '*') return true;
  if (allowed !== undefined) return allowed.includes(origin);
  if (host === undefined || host === '') return false;
  const h = host.toLowerCase();
  return origin === `http://${h}` || origin === `https://${h}`;
}
