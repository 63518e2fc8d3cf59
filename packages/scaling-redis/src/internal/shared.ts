import type {
  ClusterContext,
  ConnectionId,
  Counter,
  Gauge,
  InstanceId,
  ThreadId,
  UserId,
} from '@ws/core';
import type { ResolvedOptions } from '../options.js';
import type { Keys } from './keys.js';
import type { LifecycleWriter } from './lifecycle.js';
import type { Link } from './link.js';

/** The adapter's metrics (registered into the manager's registry). */
export interface RedisMetrics {
  readonly commandFailures: Counter;
  readonly received: Counter;
  readonly resyncs: Counter;
  readonly purged: Counter;
  readonly localAdmissions: Counter;
  readonly envelopesIgnored: Counter;
  readonly controlRequests: Counter;
  readonly controlTimeouts: Counter;
  readonly presenceEntries: Gauge;
  readonly presenceDiffs: Counter;
  readonly presencePurges: Counter;
  readonly presencePurgedUsers: Counter;
  readonly presenceRepairs: Counter;
  readonly presenceClosed: Counter;
}

/** How this instance's presence entries are written back at the next heartbeat. */
export type PresenceRepair =
  /** Nothing to do. */
  | 'none'
  /** A write failed: make the entries exactly the local connections, diffs announced. */
  | 'restore'
  /** Redis lost its data: write the entries back, no diffs (nobody joined or left). */
  | 'quiet'
  /** Purged by a peer: drop what is left, close the connections whose entries are gone. */
  | 'recover';

/** A presence write that failed: whether it happened is unknown (it may run late). */
export interface UncertainWrite {
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly op: 'join' | 'leave';
}

/** Presence state of one adapter (no connection table: the connections are core's). */
export interface PresenceState {
  /** Presence writes in flight, per thread (the index sweep leaves these threads alone). */
  readonly inflight: Map<ThreadId, number>;
  repair: PresenceRepair;
  /**
   * Failed writes since the last repair, by thread and user (at most 10,000): the repair tells
   * this instance's core where they ended up, since it never got their answer.
   */
  readonly uncertain: Map<string, UncertainWrite>;
  /** A peer holds a live claim on this instance's purge: no repair until it is done. */
  claimed: boolean;
  /** The purge marker being recovered from ('' for none). */
  marker: string;
  /** The last marker recovered from: a heartbeat that still sees it asks no second recovery. */
  recovered: string;
  /** True once core wrote presence here (a core that never does has nothing to recover). */
  used: boolean;
  /** Where the index sweep continues (`SSCAN` cursor of this instance's thread set). */
  cursor: string;
}

/** State shared by the adapter's parts, created at `start`. */
export interface Shared {
  readonly o: ResolvedOptions;
  readonly keys: Keys;
  readonly link: Link;
  readonly ctx: ClusterContext;
  readonly self: InstanceId;
  readonly m: RedisMetrics;
  /** Connections this instance admitted and has not released, in admission order. */
  readonly admitted: Map<ConnectionId, UserId>;
  /** Users with an admission in flight (their index entry must stay). */
  readonly pendingUsers: Map<UserId, number>;
  /** Instances the last sweep found dead (their entries are being purged). */
  readonly knownDead: Set<InstanceId>;
  /** The registry may not match `admitted` (a write failed, Redis restarted): reconcile. */
  dirty: boolean;
  stopped: boolean;
  /** True once this instance registered in Redis at least once. */
  registered: boolean;
  /** A heartbeat failed (or Redis was unreachable) since the last one that worked. */
  outage: boolean;
  /**
   * No dead peer is purged before this time (clock ms): after its own outage an instance waits
   * 2x the heartbeat, so peers that were cut off from Redis with it can heartbeat again first
   * (a Redis restart must not purge every instance but the first one back).
   */
  purgeAfter: number;
  /** True once the instance record says `draining`. */
  drainingAdvertised: boolean;
  /** The data epoch last seen (Redis ms), undefined before the first heartbeat. */
  epoch: string | undefined;
  readonly presence: PresenceState;
  /** The lifecycle events' writer, when the `lifecycle` option is set. */
  readonly lifecycle: LifecycleWriter | undefined;
}

/** The member of a user's connection set: `<instanceId>|<connectionId>`. */
export function member(instanceId: InstanceId, connectionId: ConnectionId): string {
  return `${instanceId}|${connectionId}`;
}

/** Parses a member; undefined for a malformed one. */
export function parseMember(
  m: string,
): { instanceId: InstanceId; connectionId: ConnectionId } | undefined {
  const i = m.indexOf('|');
  if (i <= 0) return undefined;
  return { instanceId: m.slice(0, i) as InstanceId, connectionId: m.slice(i + 1) as ConnectionId };
}

/** Registers the adapter's metrics. */
export function registerMetrics(ctx: ClusterContext): RedisMetrics {
  const r = ctx.metrics;
  return {
    commandFailures: r.counter('ws_redis_command_failures_total', {
      help: 'Redis commands that failed or timed out, by operation',
      labelNames: ['op'],
    }),
    received: r.counter('ws_redis_messages_received_total', {
      help: 'Publications received from other instances, by target kind',
      labelNames: ['kind'],
    }),
    resyncs: r.counter('ws_redis_resyncs_total', {
      help: 'Threads sent a resync after a possible gap on the live path',
    }),
    purged: r.counter('ws_redis_instances_purged_total', {
      help: 'Dead instances whose registry entries this instance purged',
    }),
    localAdmissions: r.counter('ws_redis_local_admissions_total', {
      help: 'Connections admitted against local counts only, while Redis was unavailable',
    }),
    envelopesIgnored: r.counter('ws_redis_envelopes_ignored_total', {
      help: 'Channel messages of a kind or version this instance does not know, or on the wrong channel, never delivered (kind: frame, evict, request, reply, other)',
      labelNames: ['kind'],
    }),
    controlRequests: r.counter('ws_redis_control_requests_total', {
      help: 'Requests sent to another instance on its control channel, by operation',
      labelNames: ['op'],
    }),
    controlTimeouts: r.counter('ws_redis_control_timeouts_total', {
      help: 'Requests to another instance not answered within commandTimeoutMs (or with no subscriber), by operation; their instance is not counted',
      labelNames: ['op'],
    }),
    ...registerPresenceMetrics(ctx),
  };
}

function registerPresenceMetrics(
  ctx: ClusterContext,
): Pick<
  RedisMetrics,
  | 'presenceEntries'
  | 'presenceDiffs'
  | 'presencePurges'
  | 'presencePurgedUsers'
  | 'presenceRepairs'
  | 'presenceClosed'
> {
  const r = ctx.metrics;
  return {
    presenceEntries: r.gauge('ws_redis_presence_entries', {
      help: "This instance's (connection, thread) entries in Redis presence",
    }),
    presenceDiffs: r.counter('ws_redis_presence_diffs_sent_total', {
      help: 'Presence diffs this instance published to the others (cause: join, leave, purge, restore, recover)',
      labelNames: ['cause'],
    }),
    presencePurges: r.counter('ws_redis_presence_purges_total', {
      help: 'Dead instances whose presence this instance purged (it claimed the purge)',
    }),
    presencePurgedUsers: r.counter('ws_redis_presence_purged_leaves_total', {
      help: 'Leaves published by the purges of dead instances (one per user and thread)',
    }),
    presenceRepairs: r.counter('ws_redis_presence_repairs_total', {
      help: "Rewrites of this instance's presence entries from its connections (cause: restore, quiet, recover)",
      labelNames: ['cause'],
    }),
    presenceClosed: r.counter('ws_redis_presence_closed_total', {
      help: 'Connections this instance closed with 1012 after finding their presence purged by a peer',
    }),
  };
}
