/** Headers on every dashboard response: never cached, never sniffed, no referrer, never framed. */
export const baseHeaders = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
});

/**
 * The page's Content-Security-Policy: only its own script and style (by `nonce`), fetches and
 * the event stream to the same origin, images from itself or `data:`; nothing else.
 */
export function pageSecurityPolicy(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}
