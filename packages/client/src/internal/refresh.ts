/**
 * Refreshing credentials in place: ahead of the connection's `expiresAt`, `getToken` is called
 * and its token sent in a `refresh` frame; the `ack` carries the new expiry and the next refresh
 * is planned from it. No reconnect, no resume. A refusal (`unknown_type` from a server without
 * refresh, `forbidden`) or a failed `getToken` is reported and leaves the connection to today's
 * path: the server closes with 4102 at expiry and the client reconnects with a fresh token.
 */
import { ClientError, isClientError } from '../errors.js';
import type { ConnectionState } from './connectionState.js';

/** setTimeout's largest delay (a longer one fires at once). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Plans the current connection's next refresh for credentials expiring at `expiresAt`. */
export function scheduleRefresh(c: ConnectionState, expiresAt: number | undefined): void {
  const { options, link } = c.o;
  options.timers.clearTimeout(c.refreshTimer);
  c.refreshTimer = undefined;
  const ahead = options.refreshAheadMs;
  if (ahead === false || options.source.getToken === undefined) return;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return;
  const left = expiresAt - Date.now();
  const delay = Math.min(Math.max(0, left - Math.min(ahead, left / 2)), MAX_DELAY_MS);
  const ws = link.socket;
  c.refreshTimer = options.timers.setTimeout(() => {
    c.refreshTimer = undefined;
    if (link.socket === ws) void refreshNow(c);
  }, delay);
}

async function refreshNow(c: ConnectionState): Promise<void> {
  const { link, options, requests, report, emitter } = c.o;
  const ws = link.socket;
  const current = (): boolean => link.socket === ws && link.state === 'open';
  let token: string | undefined | null;
  try {
    token = await options.source.getToken?.();
  } catch (err) {
    report(new ClientError('token_error', `getToken failed for a refresh: ${String(err)}`));
    return;
  }
  if (!current()) return;
  if (typeof token !== 'string' || token === '') {
    report(new ClientError('token_error', 'getToken returned no token for a refresh'));
    return;
  }
  try {
    const ack = await requests.start({ type: 'refresh', token }, { internal: true });
    c.token = token;
    if (!current()) return;
    emitter.emit('refreshed', ack.expiresAt === undefined ? {} : { expiresAt: ack.expiresAt });
    scheduleRefresh(c, ack.expiresAt);
  } catch (err) {
    const refused = isClientError(err) && err.code !== 'connection_lost' && err.code !== 'timeout';
    // Not refused (the answer was lost): the token is the newest there is, reconnects use it.
    if (refused) c.spareToken = token;
    else c.token = token;
    report(
      isClientError(err) && refused
        ? new ClientError(err.code, `refresh refused (${err.message}): reconnecting at expiry`)
        : new ClientError('connection_lost', `refresh not answered: ${String(err)}`),
    );
  }
}
