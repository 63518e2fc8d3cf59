import type {
  ClientFrame,
  DirectFrame,
  JoinFrame,
  LeaveFrame,
  PublishFrame,
  ResumeFrame,
} from '../frames.js';
import type { RequestId } from '../frames.js';
import type { MaybePromise } from '../cluster.js';
import type { SendResult } from '../sendResult.js';
import type { ThreadId, UserId, Offset } from '../ids.js';
import { compareOffsets } from '../offsets.js';
import { joinRecord, leaveRecord } from './join.js';
import { acknowledge, rejectFrame } from './replies.js';
import { sendControl } from './writing.js';
import { isPromise } from './maybePromise.js';
import { sendToThread, sendToUser } from './send.js';
import type { ConnRecord, ManagerState } from './state.js';

/** Routes one checked client frame to its handler. Ping and pong never get here. */
export function dispatch(
  state: ManagerState,
  rec: ConnRecord,
  frame: ClientFrame,
): void | Promise<void> {
  switch (frame.type) {
    case 'join':
      return join(state, rec, frame);
    case 'leave':
      return leave(state, rec, frame);
    case 'publish':
      return publish(state, rec, frame);
    case 'direct':
      return direct(state, rec, frame);
    case 'resume':
      return resume(state, rec, frame);
    case 'ping':
    case 'pong':
      return;
  }
}

async function join(state: ManagerState, rec: ConnRecord, frame: JoinFrame): Promise<void> {
  const threadId = frame.thread as ThreadId;
  if (rec.threads.has(threadId)) return acknowledge(state, rec, frame.id);
  if (rec.threads.size >= state.limits.maxThreadsPerConnection) {
    return rejectFrame(
      state,
      rec,
      'forbidden',
      `thread limit reached (${state.limits.maxThreadsPerConnection})`,
      frame.id,
    );
  }
  const authorize = state.options.authorizeThread;
  const allowed =
    authorize === undefined
      ? false
      : await authorize(rec.userId, threadId, { connectionId: rec.id, context: rec.context });
  if (rec.closed) return;
  if (allowed !== true)
    return rejectFrame(state, rec, 'forbidden', `not allowed to join "${threadId}"`, frame.id);
  await joinRecord(state, rec, threadId);
  acknowledge(state, rec, frame.id);
}

function leave(state: ManagerState, rec: ConnRecord, frame: LeaveFrame): void {
  leaveRecord(state, rec, frame.thread as ThreadId);
  acknowledge(state, rec, frame.id);
}

function publish(state: ManagerState, rec: ConnRecord, frame: PublishFrame): void | Promise<void> {
  const threadId = frame.thread as ThreadId;
  if (!rec.threads.has(threadId)) {
    return rejectFrame(
      state,
      rec,
      'forbidden',
      `join "${threadId}" before publishing to it`,
      frame.id,
    );
  }
  return answerSend(
    state,
    rec,
    sendToThread(state, threadId, frame.data, { from: rec.userId }, true),
    frame.id,
  );
}

function direct(state: ManagerState, rec: ConnRecord, frame: DirectFrame): void | Promise<void> {
  const authorize = state.options.authorizeDirect;
  if (authorize === undefined) return directAllowed(state, rec, frame, false);
  const allowed = authorize(rec.userId, frame.to as UserId, {
    connectionId: rec.id,
    context: rec.context,
  });
  // A synchronous answer is used at once: no microtask per message on the common path.
  return isPromise(allowed)
    ? allowed.then((a) => directAllowed(state, rec, frame, a))
    : directAllowed(state, rec, frame, allowed);
}

function directAllowed(
  state: ManagerState,
  rec: ConnRecord,
  frame: DirectFrame,
  allowed: boolean,
): void | Promise<void> {
  if (rec.closed) return;
  if (allowed !== true)
    return rejectFrame(state, rec, 'forbidden', 'not allowed to message this user', frame.id);
  return answerSend(
    state,
    rec,
    sendToUser(state, frame.to as UserId, frame.data, { from: rec.userId }, true),
    frame.id,
  );
}

/**
 * Answers a client's publish or direct message from its `SendResult`: an `ack` (with the offset
 * of a thread message), `invalid_message` when an outbound filter consumed it, or
 * `internal_error` when it failed (e.g. other instances unreachable).
 */
function answerSend(
  state: ManagerState,
  rec: ConnRecord,
  outcome: MaybePromise<SendResult>,
  id: RequestId | undefined,
): void | Promise<void> {
  if (isPromise(outcome)) return outcome.then((r) => answerSend(state, rec, r, id));
  const result = outcome;
  if (result.error !== undefined) {
    const message = result.failedRemote
      ? 'not delivered to other instances: cluster unavailable'
      : result.error.message;
    return rejectFrame(state, rec, 'internal_error', message, id);
  }
  if (result.dropped.filtered !== undefined) {
    return rejectFrame(state, rec, 'invalid_message', 'refused by an outbound filter', id);
  }
  acknowledge(state, rec, id, result.offset === undefined ? undefined : { offset: result.offset });
}

async function resume(state: ManagerState, rec: ConnRecord, frame: ResumeFrame): Promise<void> {
  const threadId = frame.thread as ThreadId;
  const notBefore = rec.threads.get(threadId);
  if (notBefore === undefined) {
    return rejectFrame(state, rec, 'forbidden', `join "${threadId}" before resuming it`, frame.id);
  }
  const history = await state.cluster.history(threadId, frame.offset as Offset, notBefore);
  if (rec.closed) return;
  if (history.recoverable) {
    const from = compareOffsets(frame.offset, notBefore) >= 0 ? frame.offset : notBefore;
    for (const f of history.frames) {
      // Never replay anything from before the session first joined, whatever the adapter returned.
      if (f.thread === threadId && f.offset !== undefined && compareOffsets(f.offset, from) > 0) {
        sendControl(state, rec, f);
      }
    }
  }
  acknowledge(state, rec, frame.id, { recovered: history.recoverable });
}
