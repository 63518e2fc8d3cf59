/** The URL a socket opens: the base URL plus `?token=` and `?resume=` when given. */
export function socketUrl(
  base: string,
  token: string | undefined,
  resumeToken: string | undefined,
): string {
  const url = new URL(base);
  if (token !== undefined && token !== '') url.searchParams.set('token', token);
  if (resumeToken !== undefined) url.searchParams.set('resume', resumeToken);
  return url.toString();
}

/**
 * Whether a `reconnect` hint may be followed: a `ws:`/`wss:` URL whose hostname (or, for entries
 * written as origins, scheme + host + port) is allowed, and never a `wss:` to `ws:` downgrade.
 */
export function isAllowedHint(hint: string, base: string, allowed: readonly string[]): boolean {
  let target: URL;
  try {
    target = new URL(hint);
  } catch {
    return false;
  }
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') return false;
  if (new URL(base).protocol === 'wss:' && target.protocol !== 'wss:') return false;
  const host = target.hostname.toLowerCase();
  return allowed.some((entry) => {
    if (!entry.includes('://')) return entry.toLowerCase() === host;
    try {
      const origin = new URL(entry);
      return (
        origin.protocol === target.protocol &&
        origin.host.toLowerCase() === target.host.toLowerCase()
      );
    } catch {
      return false;
    }
  });
}
