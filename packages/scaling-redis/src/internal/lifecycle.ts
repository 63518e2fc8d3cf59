import { CloseCode } from '@ws/core';
import type { ClusterContext, ConnectionId, Counter, InstanceId, ThreadId, UserId } from '@ws/core';
import type { LifecycleStream } from '../lifecycleStream.js';
import type { Pending } from './lifecycleBatch.js';
import { writeBatch } from './lifecycleBatch.js';
import type { Link } from './link.js';

/** What a disconnect knows of its close (core passes it to `release`). */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** Appends lifecycle events to the stream, in order, through a bounded buffer. Never throws. */
export interface LifecycleWriter {
  connect(userId: UserId, connectionId: ConnectionId): void;
  disconnect(userId: UserId, connectionId: ConnectionId, close?: CloseInfo): void;
  join(threadId: ThreadId, userId: UserId, connectionId: ConnectionId): void;
  leave(threadId: ThreadId, userId: UserId, connectionId: ConnectionId): void;
  /** Writes what is buffered (in order); stops at the first failure, retried on the next call. */
  flush(): Promise<void>;
  /** Events buffered and not yet written. */
  pending(): number;
  /**
   * A dead instance's purge (by the survivor that claimed it): a `disconnect` (reason
   * `instance_lost`) for each of its connections that had a `connect` and no `disconnect`,
   * written at once (not buffered), then its list deleted. Throws when Redis fails: the purge
   * is retried and writes them again (same ids).
   */
  lost(instanceId: InstanceId): Promise<number>;
  /**
   * Writes this instance's connection list anew from its admitted connections (after Redis lost
   * its data, or a peer purged this instance): the missing ones listed, the ones no longer here
   * unlisted. Throws when Redis fails (the registry's reconcile is retried).
   */
  relist(admitted: ReadonlyMap<ConnectionId, UserId>): Promise<void>;
}

/** What the writer needs of the adapter. */
export interface LifecycleDeps {
  readonly config: LifecycleStream;
  readonly link: Link;
  readonly ctx: ClusterContext;
  readonly keyPrefix: string;
  /** HASH connectionId -> userId of an instance's connections with a `connect` written. */
  readonly connsKey: (instanceId: InstanceId) => string;
}

/** Events written per round of pipelined `XADD`s (ioredis keeps their order on one connection). */
const BATCH = 100;

/** The stream's field list of one event (README, "Lifecycle events"). */
function eventFields(e: {
  readonly id: string;
  readonly type: string;
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly instanceId: InstanceId;
  readonly time: number;
  readonly threadId?: ThreadId;
  readonly close?: CloseInfo;
}): string[] {
  const f = ['id', e.id, 'type', e.type, 'connection', e.connectionId, 'user', e.userId];
  f.push('instance', e.instanceId, 'time', String(e.time));
  if (e.threadId !== undefined) f.push('thread', e.threadId);
  if (e.close !== undefined) f.push('code', String(e.close.code), 'reason', e.close.reason);
  return f;
}

/** Writes the `instance_lost` disconnects of a dead instance's listed connections. */
async function writeLost(
  w: { readonly d: LifecycleDeps; readonly key: string; readonly trim: readonly string[] },
  instanceId: InstanceId,
): Promise<number> {
  const { d, key, trim } = w;
  const list = d.connsKey(instanceId);
  const flat = (await d.link.call('HGETALL', list)) as string[];
  const time = d.ctx.clock.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const connectionId = flat[i] as ConnectionId;
    const fields = eventFields({
      id: `${connectionId}:disconnect`,
      type: 'disconnect',
      connectionId,
      userId: flat[i + 1] as UserId,
      instanceId,
      time,
      close: { code: CloseCode.abnormal, reason: 'instance_lost' },
    });
    writes.push(d.link.call('XADD', key, ...trim, '*', ...fields));
  }
  await Promise.all(writes);
  await d.link.call('DEL', list);
  return writes.length;
}

/** Pairs listed per `HSET` when a connection list is written anew. */
const RELIST_CHUNK = 500;

/** See `LifecycleWriter.relist`. */
async function relist(
  d: LifecycleDeps,
  admitted: ReadonlyMap<ConnectionId, UserId>,
): Promise<void> {
  const list = d.connsKey(d.ctx.instanceId);
  const listed = (await d.link.call('HKEYS', list)) as ConnectionId[];
  // Checked against the live map now, after the read: a connection admitted meanwhile has its
  // own HSET (listing it again is harmless), one released meanwhile its HDEL.
  const stale = listed.filter((c) => !admitted.has(c));
  const writes: Promise<unknown>[] = [];
  if (stale.length > 0) writes.push(d.link.call('HDEL', list, ...stale));
  let pairs: string[] = [];
  for (const [connectionId, userId] of admitted) {
    pairs.push(connectionId, userId);
    if (pairs.length < 2 * RELIST_CHUNK) continue;
    writes.push(d.link.call('HSET', list, ...pairs));
    pairs = [];
  }
  if (pairs.length > 0) writes.push(d.link.call('HSET', list, ...pairs));
  await Promise.all(writes);
}

/** Creates the writer of one adapter (state hangs off it, none at module level). */
export function createLifecycleWriter(d: LifecycleDeps): LifecycleWriter {
  const key = `${d.keyPrefix}${d.config.stream}`;
  const trim = d.config.maxLen > 0 ? ['MAXLEN', '~', String(d.config.maxLen)] : [];
  const dropped: Counter = d.ctx.metrics.counter('ws_redis_lifecycle_dropped_total', {
    help: 'Lifecycle events dropped (the oldest first) because the buffer was full while Redis was unreachable',
  });
  const queue: Pending[] = [];
  let seq = 0;
  let flushing = false;
  let outage = false;
  let droppedInOutage = 0;

  const startOutage = (err: unknown): void => {
    if (outage) return;
    outage = true;
    d.ctx.logger.warn('lifecycle events: redis unavailable, buffering', {
      error: String(err),
      bufferSize: d.config.bufferSize,
    });
  };
  const endOutage = (): void => {
    if (!outage) return;
    outage = false;
    d.ctx.logger.info('lifecycle events: redis is back, buffer written', {
      dropped: droppedInOutage,
    });
    droppedInOutage = 0;
  };

  const push = (fields: readonly string[], list?: readonly string[]): void => {
    queue.push({ seq: ++seq, fields, ...(list === undefined ? {} : { list }) });
    if (queue.length > d.config.bufferSize) {
      queue.shift();
      dropped.inc();
      if (droppedInOutage++ === 0)
        d.ctx.logger.warn('lifecycle events: buffer full, dropping the oldest', {
          bufferSize: d.config.bufferSize,
        });
    }
    void flush();
  };

  const target = { link: d.link, key, trim };
  const flushBatch = async (): Promise<boolean> => {
    const batch = queue.slice(0, BATCH);
    const { written, error } = await writeBatch(target, batch);
    if (error !== undefined) startOutage(error);
    const last = written > 0 ? (batch[written - 1] as Pending).seq : 0;
    // Drops may have shifted the queue meanwhile: remove by sequence, not by index.
    while (queue.length > 0 && (queue[0] as Pending).seq <= last) queue.shift();
    return error === undefined;
  };

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length > 0) {
        if (!d.link.cmdReady()) return startOutage(new Error('redis not ready'));
        if (!(await flushBatch())) return;
      }
      endOutage();
    } catch (err) {
      d.ctx.onError(err, { stage: 'redis-lifecycle' });
    } finally {
      flushing = false;
    }
  }

  let joins = 0;
  const base = (userId: UserId, connectionId: ConnectionId) => ({
    userId,
    connectionId,
    instanceId: d.ctx.instanceId,
    time: d.ctx.clock.now(),
  });
  const membership =
    (type: 'join' | 'leave') =>
    (threadId: ThreadId, userId: UserId, connectionId: ConnectionId): void =>
      push(
        eventFields({
          id: `${connectionId}:${type}:${threadId}:${++joins}`,
          type,
          ...base(userId, connectionId),
          threadId,
        }),
      );
  return {
    connect: (userId, connectionId) =>
      push(
        eventFields({
          id: `${connectionId}:connect`,
          type: 'connect',
          ...base(userId, connectionId),
        }),
        ['HSET', d.connsKey(d.ctx.instanceId), connectionId, userId],
      ),
    disconnect: (userId, connectionId, close) =>
      push(
        eventFields({
          id: `${connectionId}:disconnect`,
          type: 'disconnect',
          ...base(userId, connectionId),
          close: close ?? { code: 0, reason: '' },
        }),
        ['HDEL', d.connsKey(d.ctx.instanceId), connectionId],
      ),
    join: membership('join'),
    leave: membership('leave'),
    flush,
    pending: () => queue.length,
    lost: (instanceId) => writeLost({ d, key, trim }, instanceId),
    relist: (admitted) => relist(d, admitted),
  };
}
