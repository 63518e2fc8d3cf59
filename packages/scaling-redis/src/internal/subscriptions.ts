import type { LocalScope, Offset, ThreadId } from '@ws/core';
import { runGapChecks, seen, threadLast } from './gaps.js';
import type { RoutingState } from './routingState.js';
import { channelOf } from './routingState.js';

/** How long a join may take between subscribing its thread and holding a member, in ms. */
const UNCLAIMED_MS = 30_000;

/**
 * Subscribes every routed channel again (a new subscriber connection), then checks for gaps.
 * False when the subscribe failed (the next reconnect tries again).
 */
export async function resubscribe(st: RoutingState): Promise<boolean> {
  const { s } = st;
  try {
    const channels = [...st.routes.keys()];
    await s.link.subscribe(channels);
    for (const c of channels) if (st.routes.has(c)) st.active.add(c);
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'subscribe' });
    s.ctx.logger.debug('resubscribe failed; waiting for the next reconnect', {
      error: String(err),
    });
    return false;
  }
  await runGapChecks(st);
  return true;
}

/** See `Routing.joinPoint`. */
export async function joinPoint(
  st: RoutingState,
  threadId: ThreadId,
  fetchLast: () => Promise<Offset>,
): Promise<Offset> {
  const { s } = st;
  const channel = s.keys.threadChannel(threadId);
  const known = st.lastSeen.get(threadId);
  if (st.active.has(channel) && !st.gapChecks.has(threadId) && known !== undefined) return known;
  if (!st.routes.has(channel) && s.link.subReady()) {
    st.routes.set(channel, { kind: 'thread', threadId });
    st.presubscribed.set(threadId, s.ctx.clock.now());
    await s.link.subscribe([channel]);
    if (st.routes.has(channel)) st.active.add(channel);
  }
  const last = await fetchLast();
  seen(st, threadId, last);
  // A publication delivered here while the offset was read is before the join, not lost.
  return st.lastSeen.get(threadId) ?? last;
}

/** Subscribes the scope's channel (the first local member of a user or thread). */
export async function join(st: RoutingState, scope: LocalScope): Promise<void> {
  const { s, routes, gapChecks } = st;
  const channel = channelOf(st, scope);
  if (scope.kind === 'thread') st.presubscribed.delete(scope.threadId);
  if (routes.has(channel)) return;
  routes.set(channel, scope);
  if (!s.link.subReady()) {
    // Subscribed on reconnect; what is published until then is checked for as a gap.
    if (scope.kind === 'thread' && !gapChecks.has(scope.threadId)) {
      let base: Offset | undefined;
      try {
        base = await threadLast(st, scope.threadId);
      } catch {
        base = undefined;
      }
      gapChecks.set(scope.threadId, base);
    }
    return;
  }
  await s.link.subscribe([channel]);
  if (routes.has(channel)) st.active.add(channel);
  if (scope.kind === 'thread') {
    // The baseline for gap detection: everything up to here is not this subscription's.
    try {
      seen(st, scope.threadId, await threadLast(st, scope.threadId));
    } catch {
      gapChecks.set(scope.threadId, undefined);
    }
  }
}

/** Unsubscribes the scope's channel (its last local member left). */
export async function leave(st: RoutingState, scope: LocalScope): Promise<void> {
  const { s } = st;
  const channel = channelOf(st, scope);
  if (!st.routes.delete(channel)) return;
  st.active.delete(channel);
  if (scope.kind === 'thread') {
    st.lastSeen.delete(scope.threadId);
    st.gapChecks.delete(scope.threadId);
  }
  if (s.link.subReady()) await s.link.unsubscribe([channel]);
}

/** Drops subscriptions of joins that never got a member (the connection went away). */
export async function dropUnclaimed(st: RoutingState): Promise<void> {
  const { s, presubscribed } = st;
  if (presubscribed.size === 0) return;
  const now = s.ctx.clock.now();
  const held = new Set<ThreadId>();
  for (const c of s.ctx.localConnections()) for (const t of c.threads) held.add(t);
  for (const [threadId, at] of [...presubscribed]) {
    if (now - at < UNCLAIMED_MS) continue;
    presubscribed.delete(threadId);
    if (held.has(threadId)) continue;
    const channel = s.keys.threadChannel(threadId);
    st.routes.delete(channel);
    st.active.delete(channel);
    st.lastSeen.delete(threadId);
    st.gapChecks.delete(threadId);
    if (s.link.subReady()) await s.link.unsubscribe([channel]);
  }
}
