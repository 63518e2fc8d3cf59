import type { RateRule, TakeResult } from '../rateLimitStore.js';

/** A token bucket's state: tokens and when they were counted. */
export interface BucketState {
  tokens: number;
  at: number;
}

/** A new, full bucket. */
export function fullBucket(rule: RateRule, now: number): BucketState {
  return { tokens: rule.burst, at: now };
}

/** Refills `bucket` up to `now` (at most `burst` tokens). Mutates `bucket`. */
export function refillBucket(bucket: BucketState, rule: RateRule, now: number): void {
  if (now > bucket.at) {
    bucket.tokens = Math.min(
      rule.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond,
    );
    bucket.at = now;
  }
}

/** Takes `cost` tokens from a refilled `bucket` if there are enough. Mutates `bucket`. */
export function takeTokens(bucket: BucketState, rule: RateRule, cost: number): TakeResult {
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return { allowed: true, remaining: bucket.tokens, retryAfterMs: 0 };
  }
  return {
    allowed: false,
    remaining: bucket.tokens,
    retryAfterMs: Math.ceil(((cost - bucket.tokens) / rule.perSecond) * 1000),
  };
}

/** True when the bucket would be full at `now` (it can be forgotten without changing anything). */
export function isRefilled(bucket: BucketState, rule: RateRule, now: number): boolean {
  return bucket.tokens + ((now - bucket.at) / 1000) * rule.perSecond >= rule.burst;
}
