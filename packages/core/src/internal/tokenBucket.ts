/** The state of a token bucket, kept inline on its owner (no object per connection). */
export interface TokenBucketState {
  tokens: number;
  tokensAt: number;
}

/** Spends one token of `bucket`, refilled at `perSecond` up to `burst`; false when empty. */
export function takeToken(
  bucket: TokenBucketState,
  now: number,
  perSecond: number,
  burst: number,
): boolean {
  if (now > bucket.tokensAt) {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.tokensAt) * perSecond) / 1000);
    bucket.tokensAt = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
