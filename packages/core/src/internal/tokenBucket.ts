/** The state of a token bucket, kept inline on its owner (no object per connection). */
export interface TokenBucketState {
  tokens: number;
  tokensAt: number;
}

/** A bucket's refill rate (tokens per second) and capacity (`burst`). */
export interface TokenRate {
  readonly perSecond: number;
  readonly burst: number;
}

/** Spends one token of `bucket`, refilled at `rate.perSecond` up to `rate.burst`; false when empty. */
export function takeToken(bucket: TokenBucketState, now: number, rate: TokenRate): boolean {
  const { perSecond, burst } = rate;
  if (now > bucket.tokensAt) {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.tokensAt) * perSecond) / 1000);
    bucket.tokensAt = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
