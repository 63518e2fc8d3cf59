import type { ConnectionSendOutcome, RemoteConnection } from '../cluster.js';
import { WsError, toWsError } from '../errors.js';
import type { ServerFrame } from '../frames.js';
import type { ConnectionId, InstanceId } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import { sendResult } from './outcome.js';
import type { ManagerState } from './state.js';
import type { FrameWriter } from './writing.js';
import { countDrop } from './writing.js';

/**
 * The connection's owner when it is another instance that the adapter can reach: connection ids
 * are `<instanceId>-<base-36 sequence>` (`connect.ts`): the owner is what precedes the last `-`.
 */
export function remoteOwner(
  state: ManagerState,
  connectionId: ConnectionId,
): RemoteConnection | undefined {
  if (state.cluster.sendToConnection === undefined) return undefined;
  const i = connectionId.lastIndexOf('-');
  if (i <= 0) return undefined;
  const instanceId = connectionId.slice(0, i) as InstanceId;
  return instanceId === state.instanceId ? undefined : { instanceId, connectionId };
}

function failed(w: FrameWriter, outcome: string, error: WsError): SendResult {
  w.state.m.clusterOps.inc(1, { op: 'send-to-connection', outcome });
  w.state.m.sendFailures.inc(1, { cause: 'cluster' });
  return sendResult(w, { failedRemote: true, error });
}

function answer(
  w: FrameWriter,
  target: RemoteConnection,
  outcome: ConnectionSendOutcome,
): SendResult {
  switch (outcome) {
    case 'delivered':
      w.state.m.clusterOps.inc(1, { op: 'send-to-connection', outcome: 'ok' });
      return sendResult(w, { published: true });
    case 'not_found':
      countDrop(w.state, w, 'not_found');
      return failed(
        w,
        'not-found',
        new WsError('not_found', `no connection ${target.connectionId} on ${target.instanceId}`),
      );
    case 'dropped':
      return failed(
        w,
        'dropped',
        new WsError('cluster_error', `connection ${target.connectionId} did not take the frame`),
      );
    case 'no_answer':
      return failed(
        w,
        'timeout',
        new WsError('cluster_error', `instance ${target.instanceId} did not answer in time`),
      );
  }
}

/**
 * Sends a frame to a connection of another instance through the adapter's `sendToConnection`:
 * delivered there is `published: true`; unknown there, not written, or no answer within the
 * adapter's bound is `failedRemote` with the error (`not_found` or `cluster_error`).
 */
export async function sendRemote(
  w: FrameWriter,
  target: RemoteConnection,
  frame: ServerFrame,
): Promise<SendResult> {
  const { state } = w;
  try {
    const outcome = await (state.cluster.sendToConnection?.(target, frame) ?? 'no_answer');
    return answer(w, target, outcome);
  } catch (err) {
    const error = toWsError(err, 'cluster_error');
    state.reportError(error, 'send-to-connection');
    return failed(w, 'error', error);
  }
}
