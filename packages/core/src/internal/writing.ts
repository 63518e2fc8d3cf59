import { CloseCode } from '../closeCodes.js';
import type { DroppedInfo } from '../events.js';
import type { ServerFrame } from '../frames.js';
import { resyncFrame } from '../frames.js';
import type { ConnectionId, Offset, ThreadId } from '../ids.js';
import { compareOffsets } from '../offsets.js';
import type { DropCause } from '../sendResult.js';
import { closeRecord } from './records.js';
import type { ConnRecord, ManagerState } from './state.js';
import { isSingleRecord } from './users.js';

type Payload = string | Uint8Array;
type PrepareFn = (data: Payload) => unknown;

/** Per-send tallies, turned into a `SendResult` by the caller. */
export interface Tally {
  delivered: number;
  dropped: Partial<Record<DropCause, number>> | undefined;
}

/** A fresh tally. */
export function createTally(): Tally {
  return { delivered: 0, dropped: undefined };
}

/** Counts a dropped delivery by cause. */
export function countDrop(state: ManagerState, tally: Tally, cause: DropCause): void {
  const d = (tally.dropped ??= {});
  d[cause] = (d[cause] ?? 0) + 1;
  state.m.dropped.inc(1, { cause });
}

/**
 * The writer of one send, and its tally: encodes the frame lazily, once per codec name in use (and
 * frames it once per `prepare` function, where sockets offer the fast path), then writes it to any
 * number of connections. One object per send; its method is shared (no closures per send).
 */
export interface FrameWriter extends Tally {
  readonly state: ManagerState;
  /** The frame; replaced only before the first write (a thread message gets its offset). */
  frame: ServerFrame;
  /** The thread of a thread message: a slow consumer is owed a `resync` of it. */
  readonly threadId: ThreadId | undefined;
  /** Connections {@link writeAll} skips (a thread send's `except`). */
  except: ReadonlySet<ConnectionId> | undefined;
  write(rec: ConnRecord): void;
}

/** The writer's caches. */
interface WriterState extends FrameWriter {
  // The common case is one codec and one kind of socket: keep those in plain slots.
  name0: string | undefined;
  payload0: Payload | undefined;
  others: Map<string, Payload> | undefined;
  prepareFn0: PrepareFn | undefined;
  prepared0: unknown;
  preparedName0: string | undefined;
}

function payloadFor(w: WriterState, rec: ConnRecord): Payload {
  const name = rec.codec.name;
  if (name === w.name0) return w.payload0 as Payload;
  if (w.name0 === undefined) {
    w.name0 = name;
    w.payload0 = rec.codec.encode(w.frame);
    return w.payload0;
  }
  w.others ??= new Map();
  let p = w.others.get(name);
  if (p === undefined) {
    p = rec.codec.encode(w.frame);
    w.others.set(name, p);
  }
  return p;
}

function writeTo(this: WriterState, rec: ConnRecord): void {
  const state = this.state;
  const socket = rec.socket;
  if (rec.closed || socket.readyState !== 1) {
    countDrop(state, this, 'closed');
    return;
  }
  if (socket.bufferedAmount > state.limits.maxBufferedBytes) {
    slowConsumer(this, rec);
    return;
  }
  if (rec.resyncPending !== undefined && rec.resyncPending.size !== 0) flushResyncs(state, rec);
  try {
    const payload = payloadFor(this, rec);
    // Sockets whose `prepare` is the same function share one prepared frame per send.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- compared, never called detached
    const prepare = socket.prepare as PrepareFn | undefined;
    if (prepare !== undefined && socket.sendPrepared !== undefined) {
      if (prepare !== this.prepareFn0 || this.preparedName0 !== rec.codec.name) {
        this.prepareFn0 = prepare;
        this.preparedName0 = rec.codec.name;
        this.prepared0 = prepare.call(socket, payload);
      }
      socket.sendPrepared(this.prepared0);
    } else {
      socket.send(payload);
    }
    this.delivered++;
  } catch (err) {
    countDrop(state, this, 'send_failed');
    state.reportError(err, 'send', rec.id);
  }
}

/** Creates the writer of one send (`threadId`: the thread of a thread message). */
export function createFrameWriter(
  state: ManagerState,
  frame: ServerFrame,
  threadId: ThreadId | undefined,
): FrameWriter {
  const w: WriterState = {
    state,
    frame,
    threadId,
    except: undefined,
    delivered: 0,
    dropped: undefined,
    name0: undefined,
    payload0: undefined,
    others: undefined,
    prepareFn0: undefined,
    prepared0: undefined,
    preparedName0: undefined,
    write: writeTo,
  };
  return w;
}

function slowConsumer(w: FrameWriter, rec: ConnRecord): void {
  const { state, threadId } = w;
  countDrop(state, w, 'slow_consumer');
  if (state.limits.slowConsumer === 'close') {
    closeRecord(state, rec, { code: CloseCode.tryAgainLater, reason: 'slow consumer' });
    return;
  }
  if (threadId !== undefined) (rec.resyncPending ??= new Set()).add(threadId);
  // `threadId` is an own key, undefined for a direct message, as it has always been emitted.
  const info = { connectionId: rec.id, userId: rec.userId, cause: 'slow_consumer', threadId };
  state.emitter.emit('dropped', info as DroppedInfo);
}

/** Sends the `resync` frames a drained slow consumer is owed. */
export function flushResyncs(state: ManagerState, rec: ConnRecord): void {
  if (rec.socket.bufferedAmount > state.limits.maxBufferedBytes) return;
  if (rec.resyncPending === undefined) return;
  const threads = [...rec.resyncPending];
  rec.resyncPending.clear();
  for (const t of threads) {
    if (rec.threads.has(t)) sendControl(state, rec, resyncFrame(t));
  }
}

/**
 * Sends one protocol frame (welcome, ack, error, pong, resync, reconnect, replay) to one
 * connection. Not subject to the slow-consumer policy; false when not written.
 */
export function sendControl(state: ManagerState, rec: ConnRecord, frame: ServerFrame): boolean {
  if (rec.closed || rec.socket.readyState !== 1) return false;
  try {
    rec.socket.send(rec.codec.encode(frame));
    state.m.sent.inc();
    return true;
  } catch (err) {
    state.reportError(err, 'send', rec.id);
    return false;
  }
}

/**
 * Writes one frame to many connections through one writer (one encoding per codec), skipping
 * `except` and, for a thread message, members that joined after its offset.
 */
export function writeAll(w: FrameWriter, recs: ConnRecord | Iterable<ConnRecord>): void {
  const { state, frame, threadId, except } = w;
  // A thread message goes only to members that joined before it: when someone joined after its
  // offset was assigned (a message in flight from another instance), check each member.
  let olderThan: Offset | undefined;
  if (threadId !== undefined && frame.type === 'message' && frame.offset !== undefined) {
    const newest = state.newestJoin.get(threadId);
    if (newest !== undefined && compareOffsets(frame.offset, newest) <= 0)
      olderThan = frame.offset as Offset;
  }
  // One recipient (a user's only connection, one connection) comes as the record itself.
  const list: Iterable<ConnRecord> = isSingleRecord(recs as ConnRecord | ReadonlySet<ConnRecord>)
    ? [recs as ConnRecord]
    : (recs as Iterable<ConnRecord>);
  for (const rec of list) {
    if (except !== undefined && except.has(rec.id)) continue;
    if (
      olderThan !== undefined &&
      compareOffsets(rec.threads.get(threadId as ThreadId) ?? olderThan, olderThan) >= 0
    )
      continue;
    w.write(rec);
  }
  state.m.sent.inc(w.delivered);
}
