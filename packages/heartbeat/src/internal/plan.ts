/** How the one timer is laid out for given figures. */
export interface TickPlan {
  /** Period of the timer, in ms: the detection resolution. */
  readonly tickMs: number;
  /** Buckets in the ring: each connection is pinged once every `buckets` ticks (= `intervalMs`). */
  readonly buckets: number;
  /** Ticks between a ping and its judgement: the smallest count covering `timeoutMs`. */
  readonly checkAfter: number;
  /** A tick later than this, in ms, means the event loop stalled. */
  readonly stallThresholdMs: number;
}

/** Finest resolution is a quarter of the timeout, coarsest one second. */
const maxTickMs = 1_000;
/** Bound on the ring's size for very long intervals with short timeouts. */
const maxBuckets = 4_096;

/**
 * Lays the timer out: a tick of about a quarter of `timeoutMs` (at most 1 s) that divides
 * `intervalMs` exactly, so a connection sits in one bucket for life and is visited twice per
 * interval (ping, then judgement `checkAfter` ticks later). Needs `timeoutMs <= intervalMs`.
 */
export function planTicks(intervalMs: number, timeoutMs: number): TickPlan {
  const target = Math.min(maxTickMs, Math.max(1, timeoutMs / 4));
  const buckets = Math.min(maxBuckets, Math.max(1, Math.round(intervalMs / target)));
  const tickMs = intervalMs / buckets;
  const checkAfter = Math.min(buckets, Math.max(1, Math.ceil(timeoutMs / tickMs - 1e-9)));
  return { tickMs, buckets, checkAfter, stallThresholdMs: Math.max(tickMs, timeoutMs / 4) };
}
