import type { DeliveryTarget, LocalScope, Offset, ThreadId } from '@ws/core';
import type { OwnOrder } from './ownOrder.js';
import { createOwnOrder } from './ownOrder.js';
import type { Shared } from './shared.js';

/** Where a channel's publications go: a local delivery target, or this instance's control. */
export type Route = DeliveryTarget | { readonly kind: 'control' };

/** The routing's state; every part of the routing takes this object. */
export interface RoutingState {
  readonly s: Shared;
  /** The channels this instance subscribes to, and where their publications go. */
  readonly routes: Map<string, Route>;
  /** Per thread, the newest offset seen (delivered here). */
  readonly lastSeen: Map<ThreadId, Offset>;
  /** Threads to check after a subscriber reconnect, with the offset seen before the drop. */
  readonly gapChecks: Map<ThreadId, Offset | undefined>;
  /** Channels whose SUBSCRIBE completed on the current subscriber connection. */
  readonly active: Set<string>;
  /** Threads subscribed by a join in progress, not yet held by a member (time subscribed). */
  readonly presubscribed: Map<ThreadId, number>;
  /** The subscriber connection was ready once (a later close may lose publications). */
  wasReady: boolean;
  /** A round of gap checks is running. */
  checking: boolean;
  /** Offset order between this instance's own thread publications and the others'. */
  readonly order: OwnOrder;
}

/** The routing state of one adapter: the broadcast channel and its own control channel routed. */
export function createRoutingState(s: Shared): RoutingState {
  const routes = new Map<string, Route>();
  routes.set(s.keys.allChannel, { kind: 'all' });
  routes.set(s.keys.controlChannel(s.self), { kind: 'control' });
  return {
    s,
    routes,
    lastSeen: new Map(),
    gapChecks: new Map(),
    active: new Set(),
    presubscribed: new Map(),
    wasReady: false,
    checking: false,
    order: createOwnOrder(),
  };
}

/** The channel of a local scope (a user's or a thread's). */
export function channelOf(st: RoutingState, scope: LocalScope): string {
  return scope.kind === 'user'
    ? st.s.keys.userChannel(scope.userId)
    : st.s.keys.threadChannel(scope.threadId);
}
