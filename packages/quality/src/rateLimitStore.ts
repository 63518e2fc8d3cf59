/** A token bucket: `burst` tokens at most, refilled at `perSecond` tokens a second. */
export interface RateRule {
  /** Tokens added per second (> 0). */
  readonly perSecond: number;
  /** Bucket size: the most frames accepted at once after a quiet period (>= 1). */
  readonly burst: number;
}

/** The answer of {@link RateLimitStore.take}. */
export interface TakeResult {
  readonly allowed: boolean;
  /** Tokens left after this take. */
  readonly remaining: number;
  /** When refused: ms until `cost` tokens are back; 0 when allowed. */
  readonly retryAfterMs: number;
}

/**
 * Where per-user token buckets live: in memory (one instance) or in Redis (cluster-wide). A store
 * is shared by every gate and manager given it; keys are namespaced by the gate.
 */
export interface RateLimitStore {
  readonly name: string;
  /** Takes `cost` tokens from the bucket at `key`, refilling it first; `now` in ms. */
  take(key: string, cost: number, rule: RateRule, now: number): TakeResult | Promise<TakeResult>;
}
