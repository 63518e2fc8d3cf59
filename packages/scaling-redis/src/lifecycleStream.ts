import type { OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';

/** Options of {@link lifecycleStream}. */
export interface LifecycleStreamOptions {
  /**
   * The stream's key after the adapter's `keyPrefix`: events go to `<keyPrefix><stream>`. 1-128
   * characters, no spaces.
   * @default 'lifecycle'
   */
  readonly stream?: string;
  /**
   * About how many events the stream keeps (`XADD ... MAXLEN ~ <maxLen>`, trimmed by Redis in
   * whole nodes, so a few more may stay); 0 keeps every event.
   * @default 100000
   */
  readonly maxLen?: number;
  /**
   * Events held in memory while Redis is unreachable, written in order when it returns; beyond
   * this the oldest are dropped, counted in `ws_redis_lifecycle_dropped_total` and logged.
   * @default 10000
   */
  readonly bufferSize?: number;
}

/** Defaults of {@link LifecycleStreamOptions}. */
export const lifecycleStreamDefaults = {
  stream: 'lifecycle',
  maxLen: 100_000,
  bufferSize: 10_000,
} as const;

/** A resolved lifecycle stream, passed as `redisCluster`'s `lifecycle` option. */
export interface LifecycleStream {
  readonly kind: 'lifecycle-stream';
  readonly stream: string;
  readonly maxLen: number;
  readonly bufferSize: number;
}

const lifecycleStreamOptionKeys = {
  stream: true,
  maxLen: true,
  bufferSize: true,
} as const satisfies OptionKeys<LifecycleStreamOptions>;

function integer(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new WsError('invalid_options', `lifecycleStream ${name} must be an integer >= ${min}`);
  }
  return value;
}

/**
 * Lifecycle events for backends: `connect`, `disconnect`, `join` and `leave` of every connection
 * appended to a Redis Stream that any backend reads with a consumer group (`XREADGROUP`), at
 * least once. Pass the result as `redisCluster({ lifecycle })`. Throws
 * `WsError('invalid_options')` on a misspelt key or a bad value.
 */
export function lifecycleStream(options: LifecycleStreamOptions = {}): LifecycleStream {
  checkOptionKeys<LifecycleStreamOptions>(
    options,
    lifecycleStreamOptionKeys,
    'lifecycleStream options',
  );
  const d = lifecycleStreamDefaults;
  const stream = options.stream ?? d.stream;
  if (typeof stream !== 'string' || !/^\S{1,128}$/.test(stream)) {
    throw new WsError('invalid_options', 'lifecycleStream stream: 1-128 characters, no spaces');
  }
  return Object.freeze({
    kind: 'lifecycle-stream',
    stream,
    maxLen: integer('maxLen', options.maxLen ?? d.maxLen, 0),
    bufferSize: integer('bufferSize', options.bufferSize ?? d.bufferSize, 1),
  });
}
