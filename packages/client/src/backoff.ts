/** Options of the reconnect backoff. */
export interface BackoffOptions {
  /**
   * Ceiling of the first retry's delay, in ms.
   * @default 500
   */
  readonly minMs?: number;
  /**
   * Largest ceiling of any retry's delay, in ms.
   * @default 30000
   */
  readonly maxMs?: number;
  /**
   * Growth of the ceiling per failed attempt.
   * @default 2
   */
  readonly factor?: number;
}

/** Defaults of {@link BackoffOptions}. */
export const backoffDefaults = { minMs: 500, maxMs: 30_000, factor: 2 } as const;

/** The ceiling of attempt `attempt` (0 for the first retry): `min(maxMs, minMs * factor^attempt)`. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const minMs = options.minMs ?? backoffDefaults.minMs;
  const maxMs = options.maxMs ?? backoffDefaults.maxMs;
  const factor = options.factor ?? backoffDefaults.factor;
  return Math.min(maxMs, minMs * Math.pow(factor, Math.max(0, attempt)));
}

/**
 * Exponential backoff with full jitter: a delay drawn uniformly from `[0, ceiling)`, so clients
 * dropped together (a deploy, a network blip) spread their returns over the whole window
 * instead of arriving as a herd. `random` returns values in `[0, 1)`.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = {},
): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, options));
}
