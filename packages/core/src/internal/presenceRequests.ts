import type { JoinFrame, PresenceFrame, WirePresence } from '../frames.js';
import { errorFrame } from '../frames.js';
import { isWsError } from '../errors.js';
import type { ThreadId } from '../ids.js';
import { hasPresence, readPresence } from './presence.js';
import { acknowledge, rejectFrame } from './replies.js';
import type { ConnRecord, ManagerState } from './state.js';

/**
 * Whether the member may see the thread's presence: the adapter keeps presence and the
 * application's `authorizePresence` allows it (none configured: never). Answers the refusal's
 * message, or undefined.
 */
export async function presenceRefusal(
  state: ManagerState,
  rec: ConnRecord,
  threadId: ThreadId,
): Promise<string | undefined> {
  if (!hasPresence(state)) return 'presence is not kept by this server';
  const authorize = state.options.authorizePresence;
  const allowed =
    authorize === undefined
      ? false
      : await authorize(rec.userId, threadId, { connectionId: rec.id, context: rec.context });
  return allowed === true ? undefined : `not allowed to see the presence of "${threadId}"`;
}

/**
 * A `join` with `"presence": true`, before the join: true when the member may watch the
 * thread's presence; else it is refused with `forbidden` (and not joined).
 */
export async function presenceAllowed(
  state: ManagerState,
  rec: ConnRecord,
  frame: JoinFrame,
): Promise<boolean> {
  const refusal = await presenceRefusal(state, rec, frame.thread as ThreadId);
  if (rec.closed) return false;
  if (refusal === undefined) return true;
  rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', refusal));
  return false;
}

/**
 * A `presence` request: from a member of the thread allowed by `authorizePresence`, answered by
 * an `ack` carrying the page; anyone else gets `forbidden`.
 */
export async function presenceRequest(
  state: ManagerState,
  rec: ConnRecord,
  frame: PresenceFrame,
): Promise<void> {
  const threadId = frame.thread as ThreadId;
  if (!rec.threads.has(threadId)) {
    const message = `not a member of "${threadId}"`;
    return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
  }
  const refusal = await presenceRefusal(state, rec, threadId);
  if (rec.closed) return;
  if (refusal !== undefined) {
    return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', refusal));
  }
  let presence: WirePresence;
  try {
    presence = await readPresence(state, {
      threadId,
      options: {
        ...(frame.cursor === undefined ? {} : { cursor: frame.cursor }),
        ...(frame.limit === undefined ? {} : { limit: frame.limit }),
      },
    });
  } catch (err) {
    state.reportError(err, 'presence-read', rec.id);
    const message =
      isWsError(err) && err.code === 'bad_request' ? err.message : 'presence could not be read';
    const code = isWsError(err) && err.code === 'bad_request' ? 'bad_request' : 'internal_error';
    return rejectFrame(state, rec, errorFrame(frame.id, code, message));
  }
  if (rec.closed) return;
  if (presence.count > state.limits.presence.fullListMax) {
    // Diffs of this thread carry counts: say so, and make the next diff under the size a reset.
    if (state.presence.watchers.has(threadId)) state.presence.countsOnly.add(threadId);
    presence = { ...presence, countsOnly: true };
  }
  // Like every request, answered only when it has an id.
  acknowledge(
    state,
    rec,
    frame.id === undefined ? undefined : { type: 'ack', id: frame.id, presence },
  );
}
