import type { Offset } from '@ws/core';
import type { Envelope } from './envelope.js';
import { openEnvelope } from './envelope.js';
import { announceGap, seen } from './gaps.js';
import type { Route, RoutingState } from './routingState.js';

/** What this instance's control channel carries, handed to the adapter's control part. */
export type ControlEnvelope = Extract<Envelope, { kind: 'evict' | 'request' | 'reply' }>;

/** Counts a message that is never delivered: unknown kind or version, or on the wrong channel. */
function ignore(st: RoutingState, env: Envelope): void {
  st.s.m.envelopesIgnored.inc(1, {
    kind: env.kind === 'ignored' ? env.label : env.kind,
  });
}

/** A publication of another instance on a data channel: delivered locally. */
function deliver(
  st: RoutingState,
  route: Exclude<Route, { kind: 'control' }>,
  env: Envelope,
): void {
  const { s } = st;
  if (env.kind === 'presence' && route.kind === 'thread' && env.threadId === route.threadId) {
    // A peer's joins and leaves (or a purge's leaves); this instance reported its own already.
    if (env.origin === s.self) return;
    s.m.received.inc(1, { kind: 'presence' });
    s.ctx.presenceChanged?.({ threadId: env.threadId, joins: env.joins, leaves: env.leaves });
    return;
  }
  if (env.kind !== 'frame') {
    ignore(st, env);
    return;
  }
  if (route.kind !== 'thread') {
    if (env.origin === s.self) return;
    s.m.received.inc(1, { kind: route.kind });
    s.ctx.deliverLocal(route, env.frame);
    return;
  }
  const { threadId } = route;
  if (env.origin === s.self) {
    // This instance writes its own publication itself, once it came back here (`ownOrder.ts`).
    st.order.ownArrived(threadId, env.offset);
    return;
  }
  const frame = env.frame;
  const offset = env.offset;
  st.order.deliver(threadId, () => {
    // The first publication after a possible loss: announce the gap before it, so the
    // client resumes from what it had before (duplicates are dropped by offset client-side).
    announceGap(st, threadId);
    if (offset !== '') seen(st, threadId, offset as Offset);
    s.m.received.inc(1, { kind: 'thread' });
    s.ctx.deliverLocal(route, frame);
  });
}

/**
 * The subscriber's message handler, created once per adapter: a control message goes to
 * `onControl`, a publication of another instance is delivered locally (a thread's first one
 * after a possible loss announces the gap before it). This instance's own publications are
 * skipped; a kind (or a version of a kind) this version does not know is counted in
 * `ws_redis_envelopes_ignored_total` and never reaches a socket.
 */
export function createMessageHandler(
  st: RoutingState,
  onControl: (env: ControlEnvelope) => void,
): (channel: string, message: string) => void {
  const { s } = st;
  return (channel, message) => {
    const route = st.routes.get(channel);
    if (route === undefined) return;
    try {
      const env = openEnvelope(message, route.kind === 'control');
      if (route.kind !== 'control') deliver(st, route, env);
      else if (env.kind === 'evict' || env.kind === 'request' || env.kind === 'reply')
        onControl(env);
      else ignore(st, env);
    } catch (err) {
      s.ctx.onError(err, { stage: 'redis-message' });
    }
  };
}
