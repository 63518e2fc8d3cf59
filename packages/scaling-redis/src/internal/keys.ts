import { createHash } from 'node:crypto';
import type { InstanceId, ThreadId, UserId } from '@ws/core';

/**
 * Key and channel names. Everything of one user, one thread or one instance shares a hash tag
 * (`{u:...}`, `{t:...}`, `{i:...}`), so Lua scripts touch one slot and sharded channels live on
 * the shard of the keys they belong with; the registry lives under `{reg}`.
 */
export interface Keys {
  /** ZSET of `<instanceId>|<connectionId>`, scored by admission order. */
  userConns(userId: UserId): string;
  /** Admission sequence of a user. */
  userSeq(userId: UserId): string;
  userChannel(userId: UserId): string;
  /** The thread's stream (history). */
  threadStream(threadId: ThreadId): string;
  /** HASH: `last` (newest offset), `trimmed` (newest offset no longer kept). */
  threadMeta(threadId: ThreadId): string;
  threadChannel(threadId: ThreadId): string;
  /** SET of the users an instance holds connections of. */
  instanceUsers(instanceId: InstanceId): string;
  controlChannel(instanceId: InstanceId): string;
  readonly allChannel: string;
  /** HASH instanceId -> JSON info. */
  readonly instances: string;
  /** ZSET instanceId -> liveness deadline (Redis time, ms). */
  readonly alive: string;
  /**
   * Redis time (ms) when this deployment's data began; a Redis that lost its data starts a new
   * epoch, and offsets from before it are not recoverable.
   */
  readonly epoch: string;
  session(token: string): string;
  /** Presence, HASH userId -> the user's connections to the thread on every instance. */
  presenceCounts(threadId: ThreadId): string;
  /** Presence, ZSET of the thread's present users, all scored 0 (pages by `ZRANGEBYLEX`). */
  presenceUsers(threadId: ThreadId): string;
  /** Presence, HASH connectionId -> userId: one instance's connections in the thread. */
  presenceOf(threadId: ThreadId, instanceId: InstanceId): string;
  /** SET of the threads an instance has (or had) presence entries in (a superset). */
  instanceThreads(instanceId: InstanceId): string;
  /** Lifecycle events: HASH connectionId -> userId of an instance's connections with a `connect`. */
  lifecycleConns(instanceId: InstanceId): string;
  /** The survivor purging a dead instance (expires: a claimer that dies is replaced). */
  purgeClaim(instanceId: InstanceId): string;
  /** Set by a purge's claim, until the instance (if it comes back) has recovered from it. */
  purged(instanceId: InstanceId): string;
}

/** Encodes an id so it can never close a hash tag or collide with another id. */
function enc(id: string): string {
  return /^[A-Za-z0-9:_\-.@]+$/.test(id) ? id : `~${encodeURIComponent(id).replace(/~/g, '%7E')}`;
}

/** Builds the names under one prefix. */
export function createKeys(prefix: string): Keys {
  const p = prefix;
  return {
    userConns: (u) => `${p}{u:${enc(u)}}:conns`,
    userSeq: (u) => `${p}{u:${enc(u)}}:seq`,
    userChannel: (u) => `${p}{u:${enc(u)}}:ch`,
    threadStream: (t) => `${p}{t:${t}}:h`,
    threadMeta: (t) => `${p}{t:${t}}:meta`,
    threadChannel: (t) => `${p}{t:${t}}:ch`,
    instanceUsers: (i) => `${p}{i:${i}}:users`,
    controlChannel: (i) => `${p}{i:${i}}:ctl`,
    allChannel: `${p}{all}:ch`,
    instances: `${p}{reg}:instances`,
    alive: `${p}{reg}:alive`,
    epoch: `${p}{reg}:epoch`,
    presenceCounts: (t) => `${p}{t:${t}}:pc`,
    presenceUsers: (t) => `${p}{t:${t}}:pu`,
    presenceOf: (t, i) => `${p}{t:${t}}:pi:${i}`,
    instanceThreads: (i) => `${p}{i:${i}}:pthreads`,
    lifecycleConns: (i) => `${p}{i:${i}}:lconns`,
    purgeClaim: (i) => `${p}{reg}:claim:${i}`,
    purged: (i) => `${p}{reg}:purged:${i}`,
    // Resume tokens are secrets: only their hash appears in key names.
    session: (token) => `${p}{s:${createHash('sha256').update(token).digest('hex')}}`,
  };
}
