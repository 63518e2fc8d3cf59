/**
 * What the lifecycle benchmark runs, shared by the runner and its server: the variants (the
 * baseline, `redisCluster` without `lifecycle`; and with `lifecycle: lifecycleStream()`), the
 * thread, the stream's key and the full and quick sizes.
 */

/** The one thread every connection joins. */
export const benchThread = 'room:lifecycle';

/** The adapter's key prefix; the stream is `<keyPrefix><lifecycleStreamDefaults.stream>`. */
export const keyPrefix = 'lbench:';

/** `baseline`: `redisCluster` without `lifecycle`; `lifecycle`: with `lifecycleStream()`. */
export interface Variant {
  readonly id: 'baseline' | 'lifecycle';
  readonly lifecycle: boolean;
}

export interface Sizes {
  readonly reps: number;
  /** Connections, one user each; each connects, joins, leaves and disconnects once. */
  readonly connections: number;
  /**
   * Connections run through the same four steps first, on the same server, not measured: so the
   * measured phases do not pay the fresh process's first compilations.
   */
  readonly warmup: number;
  /** Connects, joins, leaves and disconnects per second, paced from the runner. */
  readonly perSecond: number;
  /** Wait after the last answer of a phase before the measurement stops (pipelined writes). */
  readonly settleMs: number;
  /** Hard deadline of the whole run (every child killed, exit 1). */
  readonly deadlineMs: number;
}

export const fullSizes: Readonly<Sizes> = {
  reps: 3,
  connections: 2000,
  warmup: 500,
  perSecond: 500,
  settleMs: 300,
  deadlineMs: 10 * 60_000,
};

/** The smoke run: 300 connections (100 to warm up), one repetition, about 15 s. */
export const quickSizes: Readonly<Sizes> = {
  reps: 1,
  connections: 300,
  warmup: 100,
  perSecond: 300,
  settleMs: 300,
  deadlineMs: 2 * 60_000,
};

/** The variants of one repetition, in their interleaving order. */
export const variants: readonly Variant[] = [
  { id: 'baseline', lifecycle: false },
  { id: 'lifecycle', lifecycle: true },
];

/**
 * Events the stream holds once the measured connections are open (`open`: the warm-up's four
 * per connection and one connect each) and at the end (four per connection: connect, join,
 * leave, disconnect); none without lifecycle.
 */
export function expectedEvents(variant: Variant, sizes: Sizes): { open: number; end: number } {
  if (!variant.lifecycle) return { open: 0, end: 0 };
  const warm = 4 * sizes.warmup;
  return { open: warm + sizes.connections, end: warm + 4 * sizes.connections };
}
