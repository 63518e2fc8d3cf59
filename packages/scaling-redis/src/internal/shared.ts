import type { ClusterContext, ConnectionId, Counter, InstanceId, UserId } from '@ws/core';
import type { ResolvedOptions } from '../options.js';
import type { Keys } from './keys.js';
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
  /** True once the instance record says `draining`. */
  drainingAdvertised: boolean;
  /** The data epoch last seen (Redis ms), undefined before the first heartbeat. */
  epoch: string | undefined;
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
  };
}
