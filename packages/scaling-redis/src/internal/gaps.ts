import type { Offset, ThreadId } from '@ws/core';
import { compareOffsets, resyncFrame } from '@ws/core';
import type { RoutingState } from './routingState.js';

/** Records an offset delivered here: the thread's newest seen moves forward only. */
export function seen(st: RoutingState, threadId: ThreadId, offset: Offset): void {
  const prev = st.lastSeen.get(threadId);
  if (prev === undefined || compareOffsets(offset, prev) > 0) st.lastSeen.set(threadId, offset);
}

/** A thread with a pending gap check gets its `resync` now (and the check is settled). */
export function announceGap(st: RoutingState, threadId: ThreadId): void {
  if (!st.gapChecks.delete(threadId)) return;
  st.s.m.resyncs.inc();
  st.s.ctx.deliverLocal({ kind: 'thread', threadId }, resyncFrame(threadId));
}

/** The thread's newest offset in Redis (`0-0` for none). */
export async function threadLast(st: RoutingState, threadId: ThreadId): Promise<Offset> {
  const { s } = st;
  return ((await s.link.call('HGET', s.keys.threadMeta(threadId), 'last')) ?? '0-0') as Offset;
}

/**
 * The subscriber connection closed: whatever is published until the subscription is back may
 * be missed, so every routed thread gets a gap check from its newest offset seen.
 */
export function markGaps(st: RoutingState): void {
  for (const route of st.routes.values()) {
    if (route.kind !== 'thread') continue;
    if (!st.gapChecks.has(route.threadId))
      st.gapChecks.set(route.threadId, st.lastSeen.get(route.threadId));
  }
}

/**
 * Checks each thread with a possible gap against its newest offset in Redis: a thread that moved
 * on gets a `resync`. One round at a time; a failure leaves the rest for the next tick.
 */
export async function runGapChecks(st: RoutingState): Promise<void> {
  const { s, gapChecks } = st;
  if (st.checking || gapChecks.size === 0 || !s.link.cmdReady() || !s.link.subReady()) return;
  st.checking = true;
  try {
    for (const [threadId, before] of [...gapChecks]) {
      if (s.stopped) return;
      if (!st.routes.has(s.keys.threadChannel(threadId))) {
        gapChecks.delete(threadId);
        continue;
      }
      const last = await threadLast(st, threadId);
      // A live publication may have settled this thread meanwhile (see the message handler).
      if (!gapChecks.has(threadId)) continue;
      gapChecks.delete(threadId);
      if (before === undefined || compareOffsets(last, before) > 0) {
        s.m.resyncs.inc();
        s.ctx.deliverLocal({ kind: 'thread', threadId }, resyncFrame(threadId));
      }
      seen(st, threadId, last);
    }
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'gap-check' });
    s.ctx.logger.debug('gap check failed; will retry', { error: String(err) });
  } finally {
    st.checking = false;
  }
}
