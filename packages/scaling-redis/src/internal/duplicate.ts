import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { Clock } from '@ws/core';
import type { Script } from './scripts.js';

type Arg = string | number;
type Listener = (...args: never[]) => void;

/** The few client methods this package uses, common to ioredis `Redis` and `Cluster`. */
export interface RawClient {
  readonly status: string;
  call(command: string, ...args: Arg[]): Promise<unknown>;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  disconnect(reconnect?: boolean): void;
  quit(): Promise<unknown>;
}

/** A subscriber connection: {@link RawClient} plus (sharded) subscribe. */
export interface RawSubscriber extends RawClient {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  ssubscribe(...channels: string[]): Promise<unknown>;
  sunsubscribe(...channels: string[]): Promise<unknown>;
}

/** What a duplicated connection is built from. */
export interface DuplicateOptions {
  /** The application's client (never used itself). */
  readonly redis: Redis | Cluster;
  readonly commandTimeoutMs: number;
  readonly reconnectMaxDelayMs: number;
}

/** True for an ioredis `Cluster` (Redis Cluster: sharded pub/sub). */
export function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * Duplicates the application's client into a connection of this package's own: no offline
 * queue (a command while Redis is away fails at once instead of waiting in a queue), no retries
 * or resends, every command bounded by `commandTimeoutMs`, reconnects backing off to
 * `reconnectMaxDelayMs`. `subscriber`: a Cluster's duplicate uses sharded subscribers.
 */
export function duplicateClient(o: DuplicateOptions, subscriber = false): RawSubscriber {
  const retry = (times: number): number =>
    Math.min(50 * 2 ** Math.min(times, 10), o.reconnectMaxDelayMs);
  const common: Partial<RedisOptions> = {
    keyPrefix: '',
    lazyConnect: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: o.commandTimeoutMs,
  };
  if (isCluster(o.redis)) {
    const base = o.redis.options.redisOptions ?? {};
    const extra: Partial<ClusterOptions> = subscriber ? { shardedSubscribers: true } : {};
    return o.redis.duplicate([], {
      ...extra,
      lazyConnect: false,
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      redisOptions: { ...base, ...common },
    } as unknown as Parameters<Cluster['duplicate']>[1]) as unknown as RawSubscriber;
  }
  return o.redis.duplicate({
    ...common,
    enableOfflineQueue: false,
    retryStrategy: retry,
  }) as unknown as RawSubscriber;
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}

/** Runs a script by SHA, loading it with EVAL when the server lost its script cache. */
export async function runScript(
  client: RawClient,
  script: Script,
  call: { readonly keys: readonly string[]; readonly args: readonly Arg[] },
): Promise<unknown> {
  const { keys, args } = call;
  try {
    return await client.call('EVALSHA', script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!isNoScript(err)) throw err;
    return client.call('EVAL', script.source, keys.length, ...keys, ...args);
  }
}

/** Closes a connection: QUIT when it is up (waiting at most `ms`), then disconnect. Never throws. */
export async function closeClient(
  client: RawClient,
  wait: { clock: Clock; ms: number },
): Promise<void> {
  try {
    if (client.status === 'ready') {
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      await Promise.race([
        client.quit(),
        new Promise<void>((r) => (timer = wait.clock.setTimeout(r, wait.ms))),
      ]);
      if (timer !== undefined) wait.clock.clear(timer);
    }
  } catch {
    // closing anyway
  }
  client.disconnect();
}
