import type { LocalScope, Offset, PublishOutcome, ServerFrame, ThreadId, UserId } from '@ws/core';
import { announceGap, markGaps, runGapChecks, seen } from './gaps.js';
import type { ControlEnvelope } from './messageHandler.js';
import { createMessageHandler } from './messageHandler.js';
import type { OwnOrder } from './ownOrder.js';
import { publish } from './publish.js';
import { createRoutingState } from './routingState.js';
import type { Shared } from './shared.js';
import { dropUnclaimed, join, joinPoint, leave, resubscribe } from './subscriptions.js';

/**
 * Channel routing: this instance subscribes to the channels of the users and threads it holds,
 * plus the broadcast channel and its own control channel; it skips its own publications. Per
 * thread it remembers the newest offset seen, so after the subscriber reconnects (publications
 * may have been lost meanwhile) a thread that moved on gets a `resync` instead of silent loss.
 */
export interface Routing {
  join(scope: LocalScope): Promise<void>;
  leave(scope: LocalScope): Promise<void>;
  /**
   * Records an offset this instance is about to deliver itself (its own publication); a thread
   * with a possible gap gets its `resync` first, so the client resumes from before the gap.
   */
  seen(threadId: ThreadId, offset: Offset): void;
  /**
   * Where a join of this thread starts: everything after it reaches the new member live. When
   * this instance already receives the thread, that is the newest offset it delivered (answered
   * without I/O, so nothing can slip in before the member is added); otherwise the thread is
   * subscribed first and then its newest offset read (`fetchLast`).
   */
  joinPoint(threadId: ThreadId, fetchLast: () => Promise<Offset>): Promise<Offset>;
  publishToUser(userId: UserId, frame: ServerFrame): Promise<PublishOutcome>;
  publishAll(frame: ServerFrame): Promise<PublishOutcome>;
  /** Whether this instance is subscribed to a channel (so a publish count includes it). */
  holds(channel: string): boolean;
  /** Whether the channel's SUBSCRIBE completed on the live subscriber (its own envelopes come back). */
  receives(channel: string): boolean;
  /** Offset order of own and foreign thread publications (see `ownOrder.ts`). */
  readonly order: OwnOrder;
  /**
   * Settles when the subscriber first became ready and subscribed every channel routed by then
   * (the control and broadcast channels, and the scopes joined meanwhile): from then on this
   * instance hears what is published to it. Never rejects.
   */
  readonly subscribed: Promise<void>;
  /**
   * Retries what failed while Redis was away: subscribes routed channels that are not active on a
   * live subscriber, then runs the gap checks. Never throws.
   */
  tick(): Promise<void>;
}

/**
 * Creates the routing of one adapter and hooks it to the subscriber connection; messages on
 * this instance's control channel go to `onControl`.
 */
export function createRouting(s: Shared, onControl: (env: ControlEnvelope) => void): Routing {
  const st = createRoutingState(s);

  s.link.onSubscriber('close', () => {
    st.active.clear();
    if (st.wasReady) markGaps(st);
  });
  let onSubscribed: (() => void) | undefined;
  const subscribed = new Promise<void>((resolve) => (onSubscribed = resolve));
  const subscribeAll = (): Promise<void> =>
    resubscribe(st).then((ok) => {
      if (ok) onSubscribed?.();
    });
  s.link.onSubscriber('ready', () => {
    st.wasReady = true;
    void subscribeAll();
  });
  // A routed channel not active while the subscriber is up: a close that no 'ready' followed
  // (on Redis Cluster, ioredis reports a node leaving its pool as '-node' without
  // 'subscribersReady' when no shard subscriber changed). Subscribed again on the next tick.
  let healing = false;
  const heal = async (): Promise<void> => {
    if (healing || !s.link.subReady()) return;
    for (const c of st.routes.keys()) {
      if (st.active.has(c)) continue;
      healing = true;
      try {
        await subscribeAll();
      } finally {
        healing = false;
      }
      return;
    }
  };
  s.link.onMessage(createMessageHandler(st, onControl));

  return {
    joinPoint: (threadId, fetchLast) => joinPoint(st, threadId, fetchLast),
    join: (scope) => join(st, scope),
    leave: (scope) => leave(st, scope),
    seen(threadId, offset) {
      announceGap(st, threadId);
      seen(st, threadId, offset);
    },
    publishToUser: (userId, frame) => publish(st, s.keys.userChannel(userId), frame),
    publishAll: (frame) => publish(st, s.keys.allChannel, frame),
    holds: (channel) => st.routes.has(channel) && s.link.subReady(),
    receives: (channel) => st.active.has(channel) && s.link.subReady(),
    order: st.order,
    subscribed,
    async tick() {
      await heal();
      await runGapChecks(st);
      try {
        await dropUnclaimed(st);
      } catch (err) {
        s.ctx.logger.debug('unsubscribe of an unclaimed thread failed', { error: String(err) });
      }
    },
  };
}
