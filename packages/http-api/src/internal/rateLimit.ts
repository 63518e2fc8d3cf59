/** Per-key token buckets that hold one second's worth of requests. */
export interface KeyRateLimit {
  /** 0 when the request may go on, else the seconds to wait before the next one. */
  take(name: string, now: number): number;
}

/** A {@link KeyRateLimit} of `perSecond` requests per second per key name. */
export function keyRateLimit(perSecond: number): KeyRateLimit {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(name, now) {
      const b = buckets.get(name) ?? { tokens: perSecond, at: now };
      b.tokens = Math.min(perSecond, b.tokens + ((now - b.at) / 1000) * perSecond);
      b.at = now;
      buckets.set(name, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
  };
}
