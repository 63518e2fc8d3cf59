import type {
  ClusterContext,
  ConnectionId,
  DeliveryTarget,
  InstanceId,
  LocalConnectionInfo,
  ServerFrame,
  UserLimitPolicy,
} from '@ws/core';
import { createMetricsRegistry, silentLogger, systemClock } from '@ws/core';

/** A hand-made ClusterContext for driving an adapter directly. */
export interface FakeContext extends ClusterContext {
  readonly delivered: { target: DeliveryTarget; frame: ServerFrame }[];
  readonly evicted: { connectionId: ConnectionId; code: number }[];
  readonly errors: { err: unknown; stage: string }[];
  readonly local: LocalConnectionInfo[];
}

/** Creates a fake context for one instance. */
export function fakeContext(
  instanceId: string,
  limits: { maxConnectionsPerUser: number; onUserLimit: UserLimitPolicy } = {
    maxConnectionsPerUser: 3,
    onUserLimit: 'reject',
  },
  sessionTtlMs = 60_000,
): FakeContext {
  const delivered: FakeContext['delivered'] = [];
  const evicted: FakeContext['evicted'] = [];
  const errors: FakeContext['errors'] = [];
  const local: LocalConnectionInfo[] = [];
  return {
    instanceId: instanceId as InstanceId,
    deliverLocal: (target, frame) => delivered.push({ target, frame }),
    evictLocal: (connectionId, code) => {
      evicted.push({ connectionId, code });
      return true;
    },
    localConnections: () => local,
    limits,
    sessionTtlMs,
    clock: systemClock(),
    metrics: createMetricsRegistry(),
    logger: silentLogger(),
    onError: (err, info) => errors.push({ err, stage: info.stage }),
    delivered,
    evicted,
    errors,
    local,
  };
}
