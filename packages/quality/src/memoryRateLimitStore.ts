import type { OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type { RateLimitStore, RateRule, TakeResult } from './rateLimitStore.js';
import type { BucketState } from './internal/tokenBucket.js';
import { fullBucket, isRefilled, refillBucket, takeTokens } from './internal/tokenBucket.js';

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * Buckets kept at most. Past it, buckets that have refilled are forgotten first (which changes
   * nothing), then the least recently used ones (which forgives their debt).
   * @default 100000
   */
  readonly maxKeys?: number;
}

/** Defaults of {@link memoryRateLimitStore}. */
export const memoryRateLimitStoreDefaults = {
  maxKeys: 100_000,
} as const satisfies Required<MemoryRateLimitStoreOptions>;

/** The in-memory store: synchronous, and it tells how many buckets it keeps. */
export interface MemoryRateLimitStore extends RateLimitStore {
  take(key: string, cost: number, rule: RateRule, now: number): TakeResult;
  /** Buckets currently kept. */
  size(): number;
}

interface Entry extends BucketState {
  rule: RateRule;
}

const memoryRateLimitStoreOptionKeys = {
  maxKeys: true,
} as const satisfies OptionKeys<MemoryRateLimitStoreOptions>;

/**
 * Token buckets in this process's memory, bounded by `maxKeys`: limits per instance. An unknown
 * option key throws `WsError('invalid_options')` naming it.
 */
export function memoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): MemoryRateLimitStore {
  checkOptionKeys<MemoryRateLimitStoreOptions>(
    options,
    memoryRateLimitStoreOptionKeys,
    'memoryRateLimitStore options',
  );
  const maxKeys = options.maxKeys ?? memoryRateLimitStoreDefaults.maxKeys;
  if (!Number.isInteger(maxKeys) || maxKeys < 1)
    throw new WsError('invalid_options', 'maxKeys must be a positive integer');
  // Map order is the recency order: a touched key is re-inserted at the end.
  const buckets = new Map<string, Entry>();

  const makeRoom = (now: number): void => {
    for (const [key, entry] of buckets) {
      if (isRefilled(entry, entry.rule, now)) buckets.delete(key);
    }
    while (buckets.size >= maxKeys) {
      const oldest = buckets.keys().next();
      if (oldest.done === true) break;
      buckets.delete(oldest.value);
    }
  };

  return {
    name: 'memory',
    // eslint-disable-next-line max-params -- public signature (RateLimitStore.take)
    take(key, cost, rule, now) {
      let entry = buckets.get(key);
      if (entry === undefined) {
        if (buckets.size >= maxKeys) makeRoom(now);
        entry = { ...fullBucket(rule, now), rule };
      } else {
        buckets.delete(key);
        entry.rule = rule;
      }
      buckets.set(key, entry);
      refillBucket(entry, rule, now);
      return takeTokens(entry, rule, cost);
    },
    size: () => buckets.size,
  };
}
