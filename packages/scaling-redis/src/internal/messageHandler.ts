import type { Offset } from '@ws/core';
import { openEnvelope } from './envelope.js';
import { announceGap, seen } from './gaps.js';
import type { ControlMessage } from './limits.js';
import type { RoutingState } from './routingState.js';

/** A message on this instance's control channel: `<origin>||<ControlMessage JSON>`. */
function control(st: RoutingState, message: string): void {
  const b = message.indexOf('|', message.indexOf('|') + 1);
  const msg = JSON.parse(message.slice(b + 1)) as ControlMessage;
  switch (msg.type) {
    case 'evict':
      st.s.ctx.evictLocal(msg.connectionId, msg.code);
      return;
  }
}

/**
 * The subscriber's message handler, created once per adapter: a control message is acted on,
 * a publication of another instance is delivered locally (a thread's first one after a possible
 * loss announces the gap before it). This instance's own publications are skipped.
 */
export function createMessageHandler(st: RoutingState): (channel: string, message: string) => void {
  const { s } = st;
  return (channel, message) => {
    const route = st.routes.get(channel);
    if (route === undefined) return;
    try {
      if (route.kind === 'control') {
        control(st, message);
        return;
      }
      const env = openEnvelope(message);
      if (env === undefined) return;
      if (env.origin === s.self) return;
      if (route.kind === 'thread') {
        // The first publication after a possible loss: announce the gap before it, so the
        // client resumes from what it had before (duplicates are dropped by offset client-side).
        announceGap(st, route.threadId);
        if (env.offset !== '') seen(st, route.threadId, env.offset as Offset);
      }
      s.m.received.inc(1, { kind: route.kind });
      s.ctx.deliverLocal(route, env.frame);
    } catch (err) {
      s.ctx.onError(err, { stage: 'redis-message' });
    }
  };
}
