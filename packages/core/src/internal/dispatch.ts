import type {
  ClientFrame,
  DirectFrame,
  JoinFrame,
  LeaveFrame,
  PublishFrame,
  ResumeFrame,
} from '../frames.js';
import type { RequestId } from '../frames.js';
import { errorFrame } from '../frames.js';
import type { MaybePromise } from '../cluster.js';
import type { SendResult } from '../sendResult.js';
import type { ThreadId, UserId, Offset } from '../ids.js';
import { compareOffsets } from '../offsets.js';
import { joinRecord, leaveRecord } from './join.js';
import { unwatchPresence, watchPresence } from './presence.js';
import { presenceAllowed, presenceRequest } from './presenceRequests.js';
import { refresh } from './refresh.js';
import { isPromise } from './maybePromise.js';
import type { Outgoing } from './outbound.js';
import { ackFor, acknowledge, rejectFrame } from './replies.js';
import { sendToUser } from './sendDirect.js';
import { sendToThread } from './sendThread.js';
import type { ConnRecord, ManagerState } from './state.js';
import { sendControl } from './writing.js';

/** A client's publish or direct message: what to send, and whom to answer. One object per frame. */
interface ClientSend extends Outgoing {
  readonly rec: ConnRecord;
  readonly id: RequestId | undefined;
}

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
    case 'refresh':
      return refresh(state, rec, frame);
    case 'presence':
      return presenceRequest(state, rec, frame);
    case 'ping':
    case 'pong':
      return;
  }
}

async function join(state: ManagerState, rec: ConnRecord, frame: JoinFrame): Promise<void> {
  const threadId = frame.thread as ThreadId;
  const joined = rec.threads.has(threadId);
  const max = state.limits.maxThreadsPerConnection;
  if (!joined && rec.threads.size >= max) {
    return rejectFrame(
      state,
      rec,
      errorFrame(frame.id, 'forbidden', `thread limit reached (${max})`),
    );
  }
  if (!joined) {
    const authorize = state.options.authorizeThread;
    const allowed =
      authorize === undefined
        ? false
        : await authorize(rec.userId, threadId, { connectionId: rec.id, context: rec.context });
    if (rec.closed) return;
    if (allowed !== true) {
      const message = `not allowed to join "${threadId}"`;
      return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
    }
  }
  // A watch is decided before the join, so a refused one changes nothing.
  if (frame.presence === true && !(await presenceAllowed(state, rec, frame))) return;
  // Watching from before the join: the member's first diff shows its own arrival too.
  if (frame.presence === true) watchPresence(state, rec.id, threadId);
  if (!joined) await joinRecord(state, rec, threadId);
  // A leave (or close) while the cluster answered cancelled the join: no watch without it.
  if (!rec.threads.has(threadId)) unwatchPresence(state, rec.id, threadId);
  acknowledge(state, rec, ackFor(frame.id));
}

function leave(state: ManagerState, rec: ConnRecord, frame: LeaveFrame): void {
  leaveRecord(state, rec, frame.thread as ThreadId);
  acknowledge(state, rec, ackFor(frame.id));
}

function publish(state: ManagerState, rec: ConnRecord, frame: PublishFrame): void | Promise<void> {
  const threadId = frame.thread as ThreadId;
  if (!rec.threads.has(threadId)) {
    const message = `join "${threadId}" before publishing to it`;
    return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
  }
  const send = { threadId, data: frame.data, from: rec.userId, owned: true, rec, id: frame.id };
  return answerSend(state, send, sendToThread(state, send));
}

function direct(state: ManagerState, rec: ConnRecord, frame: DirectFrame): void | Promise<void> {
  const authorize = state.options.authorizeDirect;
  if (authorize === undefined) return directRefused(state, rec, frame);
  const allowed = authorize(rec.userId, frame.to as UserId, {
    connectionId: rec.id,
    context: rec.context,
  });
  // A synchronous answer is used at once: no microtask per message on the common path.
  if (isPromise(allowed)) {
    return allowed.then((a) =>
      a === true ? directAllowed(state, rec, frame) : directRefused(state, rec, frame),
    );
  }
  return allowed === true ? directAllowed(state, rec, frame) : directRefused(state, rec, frame);
}

function directAllowed(
  state: ManagerState,
  rec: ConnRecord,
  frame: DirectFrame,
): void | Promise<void> {
  if (rec.closed) return;
  const send = { data: frame.data, from: rec.userId, owned: true, rec, id: frame.id };
  return answerSend(state, send, sendToUser(state, frame.to as UserId, send));
}

function directRefused(state: ManagerState, rec: ConnRecord, frame: DirectFrame): void {
  if (rec.closed) return;
  rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', 'not allowed to message this user'));
}

/**
 * Answers a client's publish or direct message from its `SendResult`: an `ack` (with the offset
 * of a thread message), `invalid_message` when an outbound filter consumed it, or
 * `internal_error` when it failed (e.g. other instances unreachable).
 */
function answerSend(
  state: ManagerState,
  send: ClientSend,
  outcome: MaybePromise<SendResult>,
): void | Promise<void> {
  if (isPromise(outcome)) return outcome.then((r) => answerSend(state, send, r));
  const { rec, id } = send;
  const result = outcome;
  if (result.error !== undefined) {
    const message = result.failedRemote
      ? 'not delivered to other instances: cluster unavailable'
      : result.error.message;
    return rejectFrame(state, rec, errorFrame(id, 'internal_error', message));
  }
  if (result.dropped.filtered !== undefined) {
    return rejectFrame(
      state,
      rec,
      errorFrame(id, 'invalid_message', 'refused by an outbound filter'),
    );
  }
  const extra = result.offset === undefined ? undefined : { offset: result.offset };
  acknowledge(state, rec, ackFor(id, extra));
}

async function resume(state: ManagerState, rec: ConnRecord, frame: ResumeFrame): Promise<void> {
  const threadId = frame.thread as ThreadId;
  const notBefore = rec.threads.get(threadId);
  if (notBefore === undefined) {
    const message = `join "${threadId}" before resuming it`;
    return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
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
  acknowledge(state, rec, ackFor(frame.id, { recovered: history.recoverable }));
}
