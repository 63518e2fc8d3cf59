import type {
  ClusterAdapter,
  ConnectionId,
  LocalConnectionInfo,
  PresenceChange,
  ThreadId,
  UserId,
} from '@ws/core';
import { redisClient } from './redisClient.js';
import type { RedisClusterOptions } from '../src/options.js';
import { redisCluster } from '../src/redisCluster.js';
import type { FakeContext } from './fakeContext.js';
import { fakeContext } from './fakeContext.js';

/** A local connection of a presence node; its thread set is the node's to change. */
interface LocalConnection extends LocalConnectionInfo {
  readonly threads: Set<ThreadId>;
}

/**
 * One Redis adapter driven by hand, as core would drive it: a connection's membership is added
 * (or removed) in the context's connection table first, then `presenceJoin` (or
 * `presenceLeave`) is called; the thread's channel is joined with its first local member.
 */
export interface PresenceNode {
  readonly adapter: ClusterAdapter;
  readonly ctx: FakeContext;
  /** Every `presenceChanged` this instance's context received, in order. */
  readonly changes: PresenceChange[];
  join(userId: string, threadId: string, connectionId?: string): Promise<boolean>;
  leave(connectionId: string, threadId: string): Promise<boolean>;
  /** Users this context heard join / leave `threadId` (one entry per report). */
  joinsOf(threadId: string): string[];
  leavesOf(threadId: string): string[];
  stop(): Promise<void>;
}

/**
 * Starts a Redis adapter with a hand-made context that records presence changes: on the Redis at
 * `port`, or on the Redis Cluster of the nodes at `port` (an array).
 */
export async function presenceNode(
  port: number | readonly number[],
  prefix: string,
  options: { instanceId: string; adapter?: Partial<Omit<RedisClusterOptions, 'redis'>> },
): Promise<PresenceNode> {
  const redis = redisClient(port, { lazyConnect: true });
  const adapter = redisCluster({
    redis,
    keyPrefix: prefix,
    heartbeatMs: 300,
    startTimeoutMs: 5000,
    ...options.adapter,
  });
  const changes: PresenceChange[] = [];
  const base = fakeContext(options.instanceId);
  const ctx: FakeContext = {
    ...base,
    presenceChanged: (change) => changes.push(change),
    evictLocal: (connectionId, code) => {
      base.evicted.push({ connectionId, code });
      return true;
    },
  };
  await adapter.start(ctx);
  let seq = 0;
  const members = (t: ThreadId): number =>
    ctx.local.filter((c) => (c as LocalConnection).threads.has(t)).length;
  const find = (id: string): LocalConnection | undefined =>
    ctx.local.find((c) => c.connectionId === id) as LocalConnection | undefined;
  const of = (threadId: string, pick: 'joins' | 'leaves'): string[] =>
    changes.filter((c) => c.threadId === threadId).flatMap((c) => c[pick]);

  return {
    adapter,
    ctx,
    changes,
    async join(userId, threadId, connectionId) {
      const t = threadId as ThreadId;
      const id = (connectionId ?? `${options.instanceId}-${(++seq).toString(36)}`) as ConnectionId;
      let c = find(id);
      if (c === undefined) {
        c = { connectionId: id, userId: userId as UserId, threads: new Set() };
        ctx.local.push(c);
      }
      if (members(t) === 0) await adapter.onLocalJoin({ kind: 'thread', threadId: t });
      c.threads.add(t);
      return adapter.presenceJoin!(t, userId as UserId, id);
    },
    async leave(connectionId, threadId) {
      const t = threadId as ThreadId;
      const c = find(connectionId);
      if (c === undefined) throw new Error(`no connection ${connectionId}`);
      c.threads.delete(t);
      const left = await adapter.presenceLeave!(t, c.userId, c.connectionId);
      if (members(t) === 0) await adapter.onLocalLeave({ kind: 'thread', threadId: t });
      return left;
    },
    joinsOf: (threadId) => of(threadId, 'joins'),
    leavesOf: (threadId) => of(threadId, 'leaves'),
    async stop() {
      await adapter.stop({ drain: false });
      redis.disconnect();
    },
  };
}

/** A counter's value for some labels (summed over the rest) in a node's metrics. */
export function counter(
  node: PresenceNode,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const m = node.ctx.metrics.read(name);
  if (m?.kind !== 'counter') return 0;
  return m.samples
    .filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))
    .reduce((a, x) => a + x.value, 0);
}
