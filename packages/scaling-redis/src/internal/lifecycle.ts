import type { ClusterContext, ConnectionId, Counter, InstanceId, ThreadId, UserId } from '@ws/core';
import type { LifecycleStream } from '../lifecycleStream.js';
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
}

/** What the writer needs of the adapter. */
export interface LifecycleDeps {
  readonly config: LifecycleStream;
  readonly link: Link;
  readonly ctx: ClusterContext;
  readonly keyPrefix: string;
}

interface Pending {
  readonly seq: number;
  readonly fields: readonly string[];
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

  const push = (fields: readonly string[]): void => {
    queue.push({ seq: ++seq, fields });
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

  const writeBatch = async (): Promise<boolean> => {
    const batch = queue.slice(0, BATCH);
    const results = await Promise.allSettled(
      batch.map((p) => d.link.call('XADD', key, ...trim, '*', ...p.fields)),
    );
    let last = 0;
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') {
        startOutage(r.reason);
        break;
      }
      last = (batch[i] as Pending).seq;
    }
    // Drops may have shifted the queue meanwhile: remove by sequence, not by index.
    while (queue.length > 0 && (queue[0] as Pending).seq <= last) queue.shift();
    return results.every((r) => r.status === 'fulfilled');
  };

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length > 0) {
        if (!d.link.cmdReady()) return startOutage(new Error('redis not ready'));
        if (!(await writeBatch())) return;
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
      ),
    disconnect: (userId, connectionId, close) =>
      push(
        eventFields({
          id: `${connectionId}:disconnect`,
          type: 'disconnect',
          ...base(userId, connectionId),
          close: close ?? { code: 0, reason: '' },
        }),
      ),
    join: membership('join'),
    leave: membership('leave'),
    flush,
    pending: () => queue.length,
  };
}
