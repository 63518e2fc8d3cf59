import type { PublishOutcome, ServerFrame } from '@ws/core';
import { envelope } from './envelope.js';
import type { RoutingState } from './routingState.js';

/** Publishes a frame on a channel; `published` when an instance other than this one got it. */
export async function publish(
  st: RoutingState,
  channel: string,
  frame: ServerFrame,
): Promise<PublishOutcome> {
  const { s } = st;
  try {
    const receivers = await s.link.publish(channel, envelope(s.self, frame));
    return { published: receivers - (st.routes.has(channel) && s.link.subReady() ? 1 : 0) > 0 };
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'publish' });
    throw err;
  }
}
