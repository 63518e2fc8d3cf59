import type { Clock } from '../clock.js';
import type { HistoryResult } from '../cluster.js';
import type { MessageFrame } from '../frames.js';
import type { Offset, ThreadId } from '../ids.js';
import { compareOffsets } from '../offsets.js';

/** The bounds of an in-memory history (validated by the hub). */
export interface MemoryHistoryLimits {
  readonly historySize: number;
  readonly historyTtlMs: number;
  readonly maxHistoryThreads: number;
  readonly keepHistory: (threadId: ThreadId) => boolean;
}

/**
 * The thread offsets and bounded message history of a memory hub. Offsets are
 * `<epoch>-<sequence>`, one sequence for every thread, the epoch being the hub's first start.
 */
export interface MemoryHistory {
  /** Fixes the epoch at the hub's first start (later starts keep it). */
  begin(clock: Clock): void;
  /** Assigns a message its offset and keeps it where the thread keeps history: the stamped frame. */
  append(threadId: ThreadId, frame: MessageFrame, now: () => number): MessageFrame;
  /** The newest offset of any thread (where a join starts). */
  newest(): Offset;
  /**
   * The thread's kept frames after `from`, or not recoverable when some may have been lost. With
   * a `limit` (a paged read): at most that many, and a not-recoverable answer carries the oldest
   * kept frames.
   */
  read(threadId: ThreadId, from: Offset, how: MemoryRead): HistoryResult;
}

/** How to read a thread's history: the clock, and the limit of a paged read. */
export interface MemoryRead {
  readonly now: () => number;
  /** At most this many frames; absent: every kept frame after the offset (what resume reads). */
  readonly limit?: number;
}

interface Entry {
  readonly offset: Offset;
  readonly at: number;
  readonly frame: MessageFrame;
}

interface ThreadHistory {
  entries: Entry[];
  /** Offset of the newest entry dropped from this thread (nothing after it was ever lost). */
  trimmedUpTo: Offset;
  last: Offset;
}

/** The index of the first entry after `from` (entries are in offset order). */
function firstAfter(entries: readonly Entry[], from: Offset): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareOffsets((entries[mid] as Entry).offset, from) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The frames of `entries[start..]`, at most `limit` of them (all without a limit). */
function framesFrom(
  entries: readonly Entry[],
  start: number,
  limit: number | undefined,
): MessageFrame[] {
  const end = limit === undefined ? entries.length : Math.min(entries.length, start + limit);
  const frames: MessageFrame[] = [];
  for (let i = start; i < end; i++) frames.push((entries[i] as Entry).frame);
  return frames;
}

/** Creates an empty history with the given bounds. */
export function createMemoryHistory(limits: MemoryHistoryLimits): MemoryHistory {
  const { historySize, historyTtlMs, maxHistoryThreads, keepHistory } = limits;
  let epoch = -1;
  let seq = 0;
  /** Newest offset of any entry forgotten with its whole thread. */
  let forgottenUpTo = '0-0' as Offset;
  const threads = new Map<ThreadId, ThreadHistory>();
  const offsetOf = (n: number): Offset => `${epoch}-${n}` as Offset;

  function trim(h: ThreadHistory, now: number): void {
    let drop = 0;
    while (
      drop < h.entries.length &&
      (h.entries.length - drop > historySize || now - (h.entries[drop] as Entry).at > historyTtlMs)
    ) {
      drop++;
    }
    if (drop > 0) {
      h.trimmedUpTo = (h.entries[drop - 1] as Entry).offset;
      h.entries.splice(0, drop);
    }
  }

  function touch(threadId: ThreadId): ThreadHistory {
    let h = threads.get(threadId);
    if (h !== undefined) {
      threads.delete(threadId);
      threads.set(threadId, h);
      return h;
    }
    h = { entries: [], trimmedUpTo: forgottenUpTo, last: offsetOf(0) };
    threads.set(threadId, h);
    if (threads.size > maxHistoryThreads) {
      const oldest = threads.keys().next().value as ThreadId;
      const lost = threads.get(oldest) as ThreadHistory;
      if (compareOffsets(lost.last, forgottenUpTo) > 0) forgottenUpTo = lost.last;
      threads.delete(oldest);
    }
    return h;
  }

  return {
    begin(clock) {
      if (epoch >= 0) return;
      epoch = clock.now();
      forgottenUpTo = `${epoch}-0` as Offset;
    },
    append(threadId, frame, now) {
      const offset = offsetOf(++seq);
      const h = touch(threadId);
      h.last = offset;
      const stamped: MessageFrame = { ...frame, offset };
      if (keepHistory(threadId) && historySize > 0) {
        const at = now();
        h.entries.push({ offset, at, frame: stamped });
        trim(h, at);
      } else {
        h.trimmedUpTo = offset;
      }
      return stamped;
    },
    newest: () => offsetOf(seq),
    read(threadId, from, how) {
      const { limit } = how;
      const h = threads.get(threadId);
      if (h !== undefined) trim(h, how.now());
      // A paged read that cannot start at `from` still answers the oldest kept frames, saying so.
      const lost = (): HistoryResult =>
        limit === undefined
          ? { recoverable: false }
          : { recoverable: false, frames: h === undefined ? [] : framesFrom(h.entries, 0, limit) };
      // An offset from the future, or from before this hub's epoch, cannot be vouched for.
      if (compareOffsets(from, offsetOf(seq)) > 0 || compareOffsets(from, offsetOf(0)) < 0) {
        return lost();
      }
      if (h === undefined) {
        return compareOffsets(from, forgottenUpTo) >= 0
          ? { recoverable: true, frames: [] }
          : lost();
      }
      if (compareOffsets(from, h.trimmedUpTo) < 0) return lost();
      return {
        recoverable: true,
        frames: framesFrom(h.entries, firstAfter(h.entries, from), limit),
      };
    },
  };
}
