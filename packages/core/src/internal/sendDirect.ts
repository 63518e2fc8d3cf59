import type { DeliveryTarget, MaybePromise, PublishOutcome } from '../cluster.js';
import { toWsError } from '../errors.js';
import type { ServerFrame } from '../frames.js';
import { directMessageFrame } from '../frames.js';
import type { ConnectionId, UserId } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import { localRecipients } from './deliverLocal.js';
import { isPromise } from './maybePromise.js';
import type { Outgoing } from './outbound.js';
import { applyOutbound, startSend } from './outbound.js';
import { sendResult } from './outcome.js';
import { remoteOwner, sendRemote } from './sendRemote.js';
import type { ManagerState } from './state.js';
import type { FrameWriter } from './writing.js';
import { countDrop, createFrameWriter, writeAll } from './writing.js';

/** Whom a direct message is for: a user, one connection, or everyone. */
type DirectTarget = Exclude<DeliveryTarget, { kind: 'thread' }>;

/**
 * Sends a direct `message` (no thread, no offset) to the local connections a target addresses,
 * then to other instances (a user or everyone; a connection not here goes to the instance its
 * id names, when the adapter has `sendToConnection`).
 */
function sendDirect(
  state: ManagerState,
  target: DirectTarget,
  out: Outgoing,
): MaybePromise<SendResult> {
  const started = startSend(state, out);
  if (!started.ok) return started.result;
  const frame = directMessageFrame(out.from, started.value);
  if (state.outbound.length === 0) return fanOutDirect(state, target, frame);
  return applyOutbound(state, target, frame).then((p) =>
    'result' in p ? p.result : fanOutDirect(state, target, p.frame),
  );
}

/** Publishes a direct frame to the other instances the target reaches (none for a connection). */
function publishDirect(
  state: ManagerState,
  target: DirectTarget,
  frame: ServerFrame,
): MaybePromise<PublishOutcome> | undefined {
  switch (target.kind) {
    case 'user':
      return state.cluster.publishToUser(target.userId, frame);
    case 'all':
      return state.cluster.publishAll(frame);
    case 'connection':
      return undefined;
  }
}

/** Writes a direct frame to the local recipients, then publishes it to the other instances. */
function fanOutDirect(
  state: ManagerState,
  target: DirectTarget,
  frame: ServerFrame,
): MaybePromise<SendResult> {
  const w = createFrameWriter(state, frame, undefined);
  const recs = localRecipients(state, target);
  if (recs !== undefined) writeAll(w, recs);
  else if (target.kind === 'connection') {
    // Not here: the instance its id names may hold it (when the adapter can reach it).
    const remote = remoteOwner(state, target.connectionId);
    if (remote !== undefined) return sendRemote(w, remote, frame);
    countDrop(state, w, 'not_found');
  }
  let pending: MaybePromise<PublishOutcome> | undefined;
  try {
    pending = publishDirect(state, target, frame);
  } catch (err) {
    return failedPublish(w, target, err);
  }
  if (pending === undefined) return sendResult(w, {});
  if (!isPromise(pending)) return sendResult(w, { published: pending.published });
  return pending.then(
    ({ published }) => sendResult(w, { published }),
    (err: unknown) => failedPublish(w, target, err),
  );
}

function failedPublish(w: FrameWriter, target: DirectTarget, err: unknown): SendResult {
  const error = toWsError(err, 'cluster_error');
  w.state.m.sendFailures.inc(1, { cause: 'cluster' });
  w.state.reportError(error, `publish-${target.kind}`);
  return sendResult(w, { failedRemote: true, error });
}

/** Sends a direct message to every connection of a user, here and on other instances. */
export function sendToUser(
  state: ManagerState,
  userId: UserId,
  out: Outgoing,
): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'user', userId }, out);
}

/** Sends a message to every connection of the cluster. */
export function broadcast(state: ManagerState, out: Outgoing): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'all' }, out);
}

/** Sends a message to one connection, of this instance or (through the adapter) another. */
export function sendToConnection(
  state: ManagerState,
  connectionId: ConnectionId,
  out: Outgoing,
): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'connection', connectionId }, out);
}
