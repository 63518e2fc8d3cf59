import { WsError, toWsError } from '../errors.js';
import type { ConnectionId, InstanceId } from '../ids.js';
import type { ReceiveRequest, ReceiveResult } from '../remoteTypes.js';
import { handleInbound } from './inbound.js';
import type { ConnRecord, ManagerState } from './state.js';

/** The longest credential `connectUser` keeps (a digest is 43-128 characters). */
export const MAX_CREDENTIAL_LENGTH = 256;

/**
 * Compares two strings in time that depends on their lengths only, never on where they differ
 * (a credential check must not tell an attacker how much of a guess was right).
 */
export function sameCredential(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** Throws `bad_request` unless `request` is a well-formed `ReceiveRequest`. */
function checkRequest(request: ReceiveRequest): void {
  const r = request as Partial<ReceiveRequest> | null | undefined;
  if (r === null || typeof r !== 'object')
    throw new WsError('bad_request', 'receive needs { frames, credential, seq }');
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1)
    throw new WsError('bad_request', 'seq must be a positive integer');
  if (typeof r.credential !== 'string')
    throw new WsError('bad_request', 'credential must be a string');
  if (
    !Array.isArray(r.frames) ||
    !r.frames.every((f) => typeof f === 'string' || f instanceof Uint8Array)
  )
    throw new WsError('bad_request', 'frames must be an array of strings or bytes');
}

/**
 * A receive for a connection of this instance: the credential (nothing delivered when wrong),
 * then the sequence (a retry is acknowledged, a gap refused), then each frame through the
 * socket's own inbound path. A frame that closes the connection (too big, too many violations)
 * ends the batch: the rest is dropped with the connection, as on a socket.
 */
export function receiveLocal(
  state: ManagerState,
  connectionId: ConnectionId,
  request: ReceiveRequest,
): ReceiveResult {
  const rec = state.connections.get(connectionId);
  if (rec === undefined || rec.closed) return { outcome: 'unknown' };
  const receiver = state.receivers.get(rec);
  if (receiver === undefined || !sameCredential(receiver.credential, request.credential))
    return { outcome: 'unauthorized' };
  const expectedSeq = receiver.lastSeq + 1;
  if (request.seq < expectedSeq) return { outcome: 'duplicate', expectedSeq };
  if (request.seq > expectedSeq) return { outcome: 'gap', expectedSeq };
  receiver.lastSeq = request.seq;
  deliverFrames(state, rec, request.frames);
  return { outcome: 'ok', expectedSeq: request.seq + 1 };
}

function deliverFrames(
  state: ManagerState,
  rec: ConnRecord,
  frames: ReceiveRequest['frames'],
): void {
  for (const data of frames) {
    if (rec.closed) return;
    handleInbound(state, rec, data);
  }
}

/** The instance a connection id names (`<instanceId>-<sequence>`), or undefined. */
function ownerOf(connectionId: string): InstanceId | undefined {
  const i = connectionId.lastIndexOf('-');
  return i <= 0 ? undefined : (connectionId.slice(0, i) as InstanceId);
}

/**
 * `manager.receive`: here when the connection is here, else through the adapter's `receive` to
 * the instance its id names (`no_answer` when the adapter cannot forward, or the owner is
 * silent; `unknown` when the id names no instance).
 */
export async function receive(
  state: ManagerState,
  connectionId: ConnectionId,
  request: ReceiveRequest,
): Promise<ReceiveResult> {
  checkRequest(request);
  if (typeof connectionId !== 'string') return { outcome: 'unknown' };
  const owner = ownerOf(connectionId);
  if (owner === undefined || owner === state.instanceId || state.connections.has(connectionId)) {
    const result = receiveLocal(state, connectionId, request);
    state.m.receives.inc(1, { where: 'local', outcome: result.outcome });
    return result;
  }
  let result: ReceiveResult = { outcome: 'no_answer' };
  if (state.cluster.receive !== undefined) {
    try {
      result = await state.cluster.receive({ instanceId: owner, connectionId }, request);
    } catch (err) {
      state.reportError(toWsError(err, 'cluster_error'), 'receive');
    }
  }
  state.m.receives.inc(1, { where: 'remote', outcome: result.outcome });
  return result;
}
