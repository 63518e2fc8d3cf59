import type { Cluster, Redis } from 'ioredis';
import type { OptionKeys, ThreadId } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type { LifecycleStream } from './lifecycleStream.js';

/** Options of {@link redisCluster}. */
export interface RedisClusterOptions {
  /**
   * The application's ioredis client: a `Redis` (single server) or a `Cluster` (Redis Cluster,
   * sharded pub/sub). It is never used directly: the adapter duplicates it into a command
   * connection (no offline queue, bounded command time) and a subscriber connection.
   */
  readonly redis: Redis | Cluster;
  /**
   * Prefix of every key and channel. Required, so two deployments sharing a Redis never bridge by
   * accident. 1-64 characters, no `{` or `}` (they would break hash tags).
   */
  readonly keyPrefix: string;
  /**
   * The URL clients may reconnect to on this instance, advertised in `instances()` and used in
   * peers' drain `reconnect` hints.
   * @default undefined (not advertised)
   */
  readonly publicUrl?: string;
  /**
   * How often this instance refreshes its liveness and sweeps dead peers, in ms. A dead instance's
   * entries are purged within 3x this.
   * @default 5000
   */
  readonly heartbeatMs?: number;
  /**
   * Messages kept per thread stream for `resume` (exact `MAXLEN`); 0 keeps none.
   * @default 256
   */
  readonly historyMaxLen?: number;
  /**
   * How long a kept message stays recoverable, in ms; 0 means no age limit.
   * @default 600000 (10 minutes)
   */
  readonly historyTtlMs?: number;
  /**
   * Which threads keep history (the others still get offsets, but nothing to replay).
   * @default () => true
   */
  readonly keepHistory?: (threadId: ThreadId) => boolean;
  /**
   * Upper bound of one Redis command, in ms: sends fail fast (and say so in `SendResult`) instead
   * of waiting in a queue while Redis is slow or unreachable.
   * @default 500
   */
  readonly commandTimeoutMs?: number;
  /**
   * How often a PING probes the command and subscriber connections, in ms; a failed probe marks
   * the instance `degraded`.
   * @default 500
   */
  readonly probeIntervalMs?: number;
  /**
   * How long `start` waits for Redis (the instance registered and its subscriber ready with its
   * channels subscribed) before the instance starts anyway (not ready), in ms.
   * @default 3000
   */
  readonly startTimeoutMs?: number;
  /**
   * Longest delay between reconnect attempts to Redis, in ms.
   * @default 1000
   */
  readonly reconnectMaxDelayMs?: number;
  /**
   * Consecutive failed probes after which the command connection is dropped and reopened (a
   * half-open TCP connection is otherwise only noticed by the OS); 0 never does.
   * @default 6
   */
  readonly probeFailuresBeforeReconnect?: number;
  /**
   * Lifecycle events for backends (`connect`, `disconnect`, `join`, `leave`) appended to a Redis
   * Stream: `lifecycleStream({ stream, maxLen, bufferSize })` (README, "Lifecycle events").
   * @default undefined (no events written)
   */
  readonly lifecycle?: LifecycleStream;
}

/** Defaults of {@link RedisClusterOptions}. */
export const redisClusterDefaults = {
  heartbeatMs: 5000,
  historyMaxLen: 256,
  historyTtlMs: 600_000,
  commandTimeoutMs: 500,
  probeIntervalMs: 500,
  startTimeoutMs: 3000,
  reconnectMaxDelayMs: 1000,
  probeFailuresBeforeReconnect: 6,
} as const;

/** Options with defaults filled in. */
export interface ResolvedOptions {
  readonly redis: Redis | Cluster;
  readonly keyPrefix: string;
  readonly publicUrl: string | undefined;
  readonly heartbeatMs: number;
  readonly historyMaxLen: number;
  readonly historyTtlMs: number;
  readonly keepHistory: (threadId: ThreadId) => boolean;
  readonly commandTimeoutMs: number;
  readonly probeIntervalMs: number;
  readonly startTimeoutMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly probeFailuresBeforeReconnect: number;
  readonly lifecycle: LifecycleStream | undefined;
}

function integer(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new WsError('invalid_options', `${name} must be an integer >= ${min}`);
  }
  return value;
}

/**
 * Checks `redis` (an ioredis `Redis` or `Cluster`) and `keyPrefix` (1-64 characters, no braces
 * or spaces), shared by `redisCluster` and `createEmitter`; throws `WsError('invalid_options')`.
 */
export function checkConnectionOptions(o: {
  readonly redis?: unknown;
  readonly keyPrefix?: unknown;
}): void {
  const redis = o.redis as { duplicate?: unknown } | null | undefined;
  if (typeof redis !== 'object' || redis === null) {
    throw new WsError('invalid_options', 'redis: an ioredis Redis or Cluster client is required');
  }
  if (typeof redis.duplicate !== 'function') {
    throw new WsError('invalid_options', 'redis must be an ioredis Redis or Cluster client');
  }
  if (typeof o.keyPrefix !== 'string' || !/^[^{}\s]{1,64}$/.test(o.keyPrefix)) {
    throw new WsError(
      'invalid_options',
      'keyPrefix is required: 1-64 characters, no braces or spaces',
    );
  }
}

/** The `lifecycle` option: only what `lifecycleStream()` made (its keys are checked there). */
function lifecycleOption(l: LifecycleStream | undefined): LifecycleStream | undefined {
  if (l === undefined) return undefined;
  if (typeof l !== 'object' || l === null || l.kind !== 'lifecycle-stream') {
    throw new WsError('invalid_options', 'lifecycle must be made by lifecycleStream()');
  }
  return l;
}

// The ioredis client is a third-party object: `true`, its own keys are not ours to check.
const redisClusterOptionKeys = {
  redis: true,
  keyPrefix: true,
  publicUrl: true,
  heartbeatMs: true,
  historyMaxLen: true,
  historyTtlMs: true,
  keepHistory: true,
  commandTimeoutMs: true,
  probeIntervalMs: true,
  startTimeoutMs: true,
  reconnectMaxDelayMs: true,
  probeFailuresBeforeReconnect: true,
  lifecycle: true,
} as const satisfies OptionKeys<RedisClusterOptions>;

/**
 * Validates the options (unknown keys first, before anything touches Redis) and fills in
 * defaults; throws `WsError('invalid_options')`.
 */
export function resolveOptions(o: RedisClusterOptions): ResolvedOptions {
  const d = redisClusterDefaults;
  if (typeof o !== 'object' || o === null)
    throw new WsError('invalid_options', 'redisCluster needs an options object');
  checkOptionKeys<RedisClusterOptions>(o, redisClusterOptionKeys, 'redisCluster options');
  checkConnectionOptions(o);
  return {
    redis: o.redis,
    keyPrefix: o.keyPrefix,
    publicUrl: o.publicUrl,
    heartbeatMs: integer('heartbeatMs', o.heartbeatMs ?? d.heartbeatMs, 50),
    historyMaxLen: integer('historyMaxLen', o.historyMaxLen ?? d.historyMaxLen, 0),
    historyTtlMs: integer('historyTtlMs', o.historyTtlMs ?? d.historyTtlMs, 0),
    keepHistory: o.keepHistory ?? (() => true),
    commandTimeoutMs: integer('commandTimeoutMs', o.commandTimeoutMs ?? d.commandTimeoutMs, 1),
    probeIntervalMs: integer('probeIntervalMs', o.probeIntervalMs ?? d.probeIntervalMs, 10),
    startTimeoutMs: integer('startTimeoutMs', o.startTimeoutMs ?? d.startTimeoutMs, 0),
    reconnectMaxDelayMs: integer(
      'reconnectMaxDelayMs',
      o.reconnectMaxDelayMs ?? d.reconnectMaxDelayMs,
      10,
    ),
    probeFailuresBeforeReconnect: integer(
      'probeFailuresBeforeReconnect',
      o.probeFailuresBeforeReconnect ?? d.probeFailuresBeforeReconnect,
      0,
    ),
    lifecycle: lifecycleOption(o.lifecycle),
  };
}
