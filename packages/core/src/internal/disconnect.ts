import type { DisconnectOptions } from '../api.js';
import { CloseCode } from '../closeCodes.js';
import { WsError } from '../errors.js';
import type { UserId } from '../ids.js';
import { closeUserConnections } from './records.js';
import type { ManagerState } from './state.js';

/** Close codes a cluster-wide disconnect may use: the application's 4000-4099, and 4103. */
function allowedClusterCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 4000 && code <= 4099) || code === CloseCode.revoked);
}

/** Checks a cluster-wide disconnect's options; throws `WsError('invalid_options')`. */
function checkCluster(o: DisconnectOptions): { code: number; reason: string } {
  const code = o.code ?? CloseCode.revoked;
  if (typeof code !== 'number' || !allowedClusterCode(code))
    throw new WsError('invalid_options', 'a cluster-wide disconnect uses code 4000-4099 or 4103');
  if (o.connectionId !== undefined)
    throw new WsError('invalid_options', "connectionId is for scope 'local' only");
  const reason = o.reason ?? 'revoked';
  // A close reason is at most 123 bytes of UTF-8 (RFC 6455).
  if (typeof reason !== 'string' || new TextEncoder().encode(reason).length > 123)
    throw new WsError('invalid_options', 'reason must be a string of at most 123 bytes');
  return { code, reason };
}

/**
 * Closes a user's connections on every instance: here first, then through the adapter's
 * `disconnectUser` (the other instances' counts, within its bound). Without that member it
 * rejects with `WsError('unavailable')` before closing anything.
 */
async function disconnectCluster(
  state: ManagerState,
  userId: UserId,
  o: DisconnectOptions,
): Promise<number> {
  const close = checkCluster(o);
  const { cluster } = state;
  if (cluster.disconnectUser === undefined) {
    state.m.clusterOps.inc(1, { op: 'disconnect-user', outcome: 'unavailable' });
    throw new WsError('unavailable', `cluster adapter ${cluster.name} has no disconnectUser`);
  }
  const here = closeUserConnections(state, userId, close);
  try {
    const there = await cluster.disconnectUser(userId, close);
    state.m.clusterOps.inc(1, { op: 'disconnect-user', outcome: 'ok' });
    return here + there;
  } catch (err) {
    state.m.clusterOps.inc(1, { op: 'disconnect-user', outcome: 'error' });
    state.reportError(err, 'cluster-disconnect');
    return here;
  }
}

/** `manager.disconnectUser`: this instance (scope `'local'`, the default) or the cluster. */
export function disconnectUser(
  state: ManagerState,
  userId: UserId,
  o: DisconnectOptions,
): Promise<number> {
  if (o.scope === 'cluster') return disconnectCluster(state, userId, o);
  if (o.scope !== undefined && o.scope !== 'local')
    return Promise.reject(new WsError('invalid_options', "scope must be 'local' or 'cluster'"));
  return Promise.resolve(closeUserConnections(state, userId, o));
}
