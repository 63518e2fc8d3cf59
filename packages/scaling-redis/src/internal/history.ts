import type { HistoryResult, MessageFrame, Offset, ThreadId, ThreadPublishOutcome } from '@ws/core';
import { compareOffsets, maxOffset } from '@ws/core';
import { decodeFrame, encodeFrame } from './envelope.js';
import type { OwnEntry } from './ownOrder.js';
import type { Routing } from './routing.js';
import { historyScript } from './scripts.js';
import type { Shared } from './shared.js';
import { appendThread } from './threadAppend.js';

const U64_MAX = 18446744073709551615n;

/**
 * True when both parts of an offset fit a Redis stream id (unsigned 64-bit) and some id can
 * follow it: an exclusive range after the largest id is an error in Redis, and that offset is
 * from the future anyway.
 */
function fitsStreamId(offset: string): boolean {
  const parts = offset.split('-').map((part) => BigInt(part));
  return parts.every((p) => p <= U64_MAX) && !(parts[0] === U64_MAX && parts[1] === U64_MAX);
}

/** `<ms>` alone means `<ms>-0`, as `compareOffsets` reads it. */
function fullId(offset: string): string {
  return offset.includes('-') ? offset : `${offset}-0`;
}

/** What the thread publish paths need: the adapter's shared state and its routing. */
export interface Routed {
  readonly s: Shared;
  readonly routing: Routing;
}

/** Resolves once the entry's own envelope came back on the subscriber, or after `ms`. */
function arrival(s: Shared, entry: OwnEntry, ms: number): Promise<void> {
  if (entry.arrived) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = s.ctx.clock.setTimeout(resolve, ms);
    entry.onArrive = () => {
      s.ctx.clock.clear(timer);
      resolve();
    };
  });
}

async function appendAndPublish(
  r: Routed,
  m: { readonly threadId: ThreadId; readonly frame: MessageFrame; readonly entry?: OwnEntry },
): Promise<ThreadPublishOutcome> {
  const { s, routing } = r;
  const { threadId, entry } = m;
  const { offset: _ignored, ...bare } = m.frame;
  const channel = s.keys.threadChannel(threadId);
  let reply: { offset: string; receivers: number };
  try {
    reply = await appendThread(s.link, {
      keys: s.keys,
      options: s.o,
      origin: s.self,
      threadId,
      frameJson: encodeFrame(bare),
    });
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'publish-thread' });
    throw err;
  }
  if (entry !== undefined) {
    entry.offset = reply.offset;
    // Everything published on the channel before this message is delivered here first.
    await arrival(s, entry, s.o.commandTimeoutMs);
  }
  const offset = reply.offset as Offset;
  routing.seen(threadId, offset);
  const others = reply.receivers - (routing.holds(channel) ? 1 : 0);
  return { offset, published: others > 0 };
}

/**
 * Appends to the thread's bounded stream and publishes, in one Lua call: the stream id is the
 * offset, in the frame that every instance receives. When this instance receives the thread
 * (it has members), the answer waits until the message came back on the subscriber, so local
 * members get it after every earlier publication of other instances or emitters, and later
 * ones wait for it (`ownOrder.ts`): local order is offset order.
 */
export function publishToThread(
  r: Routed,
  threadId: ThreadId,
  frame: MessageFrame,
): Promise<ThreadPublishOutcome> {
  const order = r.routing.order;
  if (!r.routing.receives(r.s.keys.threadChannel(threadId)))
    return appendAndPublish(r, { threadId, frame });
  const entry = order.begin(threadId);
  const outer = appendAndPublish(r, { threadId, frame, entry });
  order.attach(threadId, entry, outer);
  return outer;
}

/**
 * The thread's newest offset; for a thread with none yet, the start of the data epoch
 * (`<epoch>-0`), so a Redis that loses its data can tell old offsets from new ones. While Redis
 * is unreachable a join still works locally: it starts at this instance's clock (`<now>-0`, the
 * shape of a stream id), which a later `resume` answers honestly.
 */
export async function threadOffset(r: Routed, threadId: ThreadId): Promise<Offset> {
  const { s, routing } = r;
  const fetchLast = async (): Promise<Offset> => {
    const last = (await s.link.call('HGET', s.keys.threadMeta(threadId), 'last')) as string | null;
    if (last !== null) return last as Offset;
    const epoch = (await s.link.call('GET', s.keys.epoch)) as string | null;
    return `${epoch ?? s.ctx.clock.now()}-0` as Offset;
  };
  try {
    return await routing.joinPoint(threadId, fetchLast);
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'thread-offset' });
    s.ctx.logger.debug('thread offset unavailable: joining at the local clock', {
      error: String(err),
    });
    return `${s.ctx.clock.now()}-0` as Offset;
  }
}

/** What `history` asks: a thread's kept frames after `max(afterOffset, notBefore)`. */
export interface HistoryQuery {
  readonly threadId: ThreadId;
  readonly afterOffset: Offset;
  readonly notBefore: Offset;
  /**
   * A paged read (`manager.history`): at most this many frames, and a not-recoverable answer
   * carries the oldest kept ones. Absent (resume): up to `historyMaxLen + 1` frames.
   */
  readonly limit?: number;
}

type StreamEntry = [string, string[]];

/** The message frames of stream entries, each with its stream id as offset. */
function framesOf(entries: readonly StreamEntry[]): MessageFrame[] {
  const frames: MessageFrame[] = [];
  for (const [id, fields] of entries) {
    const i = fields.indexOf('f');
    if (i < 0 || i + 1 >= fields.length) continue;
    const frame = decodeFrame(fields[i + 1] as string);
    if (frame.type === 'message') frames.push({ ...frame, offset: id });
  }
  return frames;
}

/** Runs the history script from `start` (`(<id>` exclusive, or `-` for the oldest kept). */
function readStream(
  s: Shared,
  threadId: ThreadId,
  read: { readonly start: string; readonly count: number },
): Promise<[string, string, StreamEntry[]]> {
  return s.link.run(
    historyScript,
    [s.keys.threadStream(threadId), s.keys.threadMeta(threadId)],
    [read.start, s.o.historyTtlMs, read.count],
  ) as Promise<[string, string, StreamEntry[]]>;
}

/** Whether `from` can be answered exactly, from the script's reply and the data epoch. */
function recoverable(
  from: string,
  reply: [string, string, unknown],
  epoch: string | null,
): boolean {
  // Without an epoch (Redis lost its data, no heartbeat since) nothing can be vouched for.
  if (epoch === null) return false;
  const floor = `${epoch}-0`;
  const [lastRaw, trimmedRaw] = reply;
  const last = lastRaw === '' ? floor : lastRaw;
  const trimmed = trimmedRaw === '' ? floor : maxOffset(trimmedRaw as Offset, floor as Offset);
  return compareOffsets(from, last) <= 0 && compareOffsets(from, trimmed) >= 0;
}

/**
 * The kept frames after `max(afterOffset, notBefore)`, or not recoverable when that point is in
 * the future, fell out of the kept window (count or age) or is from before a data loss: never a
 * partial answer. A paged read reads `XRANGE (<from> + COUNT <limit>`, and answers a start it
 * cannot vouch for with the oldest kept frames (`XRANGE - + COUNT <limit>`), not recoverable.
 */
export async function history(s: Shared, query: HistoryQuery): Promise<HistoryResult> {
  const { threadId, afterOffset, notBefore, limit } = query;
  const from = compareOffsets(afterOffset, notBefore) >= 0 ? afterOffset : notBefore;
  const lost = async (): Promise<HistoryResult> => {
    if (limit === undefined) return { recoverable: false };
    const [, , oldest] = await readStream(s, threadId, { start: '-', count: limit });
    return { recoverable: false, frames: framesOf(oldest) };
  };
  try {
    if (!fitsStreamId(from)) return await lost();
    const count = limit ?? s.o.historyMaxLen + 1;
    const [reply, epoch] = await Promise.all([
      readStream(s, threadId, { start: `(${fullId(from)}`, count }),
      s.link.call('GET', s.keys.epoch) as Promise<string | null>,
    ]);
    if (!recoverable(from, reply, epoch)) return await lost();
    return { recoverable: true, frames: framesOf(reply[2]) };
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'history' });
    throw err;
  }
}
