/** A token bucket: `take(now)` spends one token, refilled at `perSecond` up to `burst`. */
export interface TokenBucket {
  take(now: number): boolean;
}

/** Creates a full token bucket. */
export function createTokenBucket(perSecond: number, burst: number, now: number): TokenBucket {
  let tokens = burst;
  let last = now;
  return {
    take(t) {
      if (t > last) {
        tokens = Math.min(burst, tokens + ((t - last) * perSecond) / 1000);
        last = t;
      }
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
