import { CloseCode } from '../closeCodes.js';
import { toWsError } from '../errors.js';
import type { ClientFrame, ErrorFrame } from '../frames.js';
import { errorFrame, pongFrame } from '../frames.js';
import { dispatch } from './dispatch.js';
import { closeRecord } from './records.js';
import { rejectFrame } from './replies.js';
import { sendControl } from './writing.js';
import { isPromise } from './maybePromise.js';
import { relativeTime } from './time.js';
import { takeToken } from './tokenBucket.js';
import type { ConnRecord, ManagerState, QueueItem } from './state.js';
import { queuedRejection } from './state.js';

const MAX_QUEUED_FRAMES = 1000;

/** UTF-8 length of a string, stopping once it passes `limit`. */
function utf8LengthOver(s: string, limit: number): boolean {
  if (s.length > limit) return true;
  if (s.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
    if (bytes > limit) return true;
  }
  return false;
}

/** Refuses an inbound frame in arrival order: at once when nothing is queued, else after the queue. */
function refuseInOrder(state: ManagerState, rec: ConnRecord, frame: ErrorFrame): void {
  if (rec.busy || (rec.queue !== undefined && rec.queue.length > 0) || !rec.registered)
    (rec.queue ??= []).push({ [queuedRejection]: frame });
  else rejectFrame(state, rec, frame);
}

/**
 * Entry point of every inbound message: size limit, decode, shape check, ping/pong, frame
 * budget, then the ordered queue of middleware and dispatch.
 */
export function handleInbound(
  state: ManagerState,
  rec: ConnRecord,
  data: string | Uint8Array,
): void {
  if (rec.closed) return;
  const max = state.limits.maxMessageBytes;
  if (typeof data === 'string' ? utf8LengthOver(data, max) : data.byteLength > max) {
    closeRecord(state, rec, { code: CloseCode.messageTooBig, reason: 'message too big' });
    return;
  }
  const now = relativeTime(state, state.clock.now());
  rec.lastActivityAt = now;
  state.m.received.inc();
  let decoded: unknown;
  try {
    decoded = rec.codec.decode(data);
  } catch (err) {
    const message = toWsError(err, 'bad_request').message;
    refuseInOrder(state, rec, errorFrame(undefined, 'bad_request', message));
    return;
  }
  const check = state.validator.check(decoded);
  if (!check.ok) {
    refuseInOrder(state, rec, errorFrame(check.id, check.code, check.message));
    return;
  }
  const frame = check.frame;
  if (frame.type === 'ping') {
    sendControl(state, rec, pongFrame);
    return;
  }
  if (frame.type === 'pong') {
    state.emitter.emit('pong', rec.view, 'application');
    return;
  }
  const queue = rec.queue;
  if (
    !takeToken(rec, now, state.limits.inboundRate) ||
    (queue !== undefined && queue.length >= MAX_QUEUED_FRAMES)
  ) {
    refuseInOrder(
      state,
      rec,
      errorFrame(frame.id, 'rate_limited', 'inbound frame budget exceeded'),
    );
    return;
  }
  // Nothing waits ahead of it: run it now, without a trip through the queue.
  if (rec.registered && !rec.busy && (queue === undefined || queue.length === 0)) {
    if (runFrame(state, rec, frame)) processQueue(state, rec);
    return;
  }
  (rec.queue ??= []).push(frame);
  if (rec.registered) processQueue(state, rec);
}

/** Answers a frame whose handling threw (already reported) with `internal_error`. */
function rejectFailed(state: ManagerState, rec: ConnRecord, frame: ClientFrame): void {
  const id = 'id' in frame ? frame.id : undefined;
  rejectFrame(
    state,
    rec,
    errorFrame(id, 'internal_error', 'the server failed to handle this frame'),
  );
}

/** The end of the inbound chain: the `message` event, then dispatch. */
function emitAndDispatch(
  state: ManagerState,
  rec: ConnRecord,
  frame: ClientFrame,
): void | Promise<void> {
  state.emitter.emit('message', rec.view, frame);
  return dispatch(state, rec, frame);
}

function runChain(state: ManagerState, rec: ConnRecord, frame: ClientFrame): void | Promise<void> {
  const chain = state.inbound;
  // Without middleware the frame goes straight on: no closure per frame.
  if (chain.length === 0) return emitAndDispatch(state, rec, frame);
  const step = (i: number, f: ClientFrame): void | Promise<void> => {
    if (rec.closed) return;
    if (i === chain.length) return emitAndDispatch(state, rec, f);
    return (chain[i] as (typeof chain)[number])(rec.view, f, (next) => step(i + 1, next ?? f));
  };
  return step(0, frame);
}

/**
 * Runs one frame through middleware and dispatch. True when it finished synchronously; false
 * when an async step holds the connection (`busy`) until it settles, then the queue resumes.
 */
function runFrame(state: ManagerState, rec: ConnRecord, frame: ClientFrame): boolean {
  let pending: void | Promise<void>;
  try {
    pending = runChain(state, rec, frame);
  } catch (err) {
    state.reportError(err, 'inbound', rec.id);
    rejectFailed(state, rec, frame);
    return true;
  }
  if (!isPromise(pending)) return true;
  rec.busy = true;
  pending.then(
    () => {
      rec.busy = false;
      processQueue(state, rec);
    },
    (err: unknown) => {
      rec.busy = false;
      state.reportError(err, 'inbound', rec.id);
      rejectFailed(state, rec, frame);
      processQueue(state, rec);
    },
  );
  return false;
}

/** Processes queued frames in arrival order; an async step holds the rest until it settles. */
export function processQueue(state: ManagerState, rec: ConnRecord): void {
  const queue = rec.queue;
  if (queue === undefined) return;
  while (!rec.busy && !rec.closed && queue.length > 0) {
    const item = queue.shift() as QueueItem;
    if (queuedRejection in item) {
      const r = item[queuedRejection];
      rejectFrame(state, rec, errorFrame(r.id, r.code, r.message));
      continue;
    }
    if (!runFrame(state, rec, item)) return;
  }
}
