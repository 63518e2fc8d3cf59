/** Small statistics helpers: percentiles of latency samples, median and range of repetitions. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

/** Median with min-max over repetitions (NaN entries are left out). */
export function summarize(values: readonly number[]): Summary | undefined {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = v.length >> 1;
  const median = v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v[v.length - 1]!, samples: values };
}

/** The p-th percentile (0-100) of the first `length` entries of `samples` (sorted in place). */
export function percentile(samples: Float64Array, length: number, p: number): number {
  if (length === 0) return Number.NaN;
  const view = samples.subarray(0, length).sort();
  const rank = Math.min(length - 1, Math.max(0, Math.ceil((p / 100) * length) - 1));
  return view[rank]!;
}

/** A growable latency sample buffer (microseconds) with a hard cap. */
export interface LatencyBuffer {
  add(us: number): void;
  readonly length: number;
  p(percent: number): number;
}

export function latencyBuffer(cap: number): LatencyBuffer {
  const data = new Float64Array(cap);
  let n = 0;
  let seen = 0;
  return {
    add(us) {
      // Reservoir sampling once full, so long runs stay bounded and unbiased.
      seen += 1;
      if (n < cap) data[n++] = us;
      else {
        const j = Math.floor(Math.random() * seen);
        if (j < cap) data[j] = us;
      }
    },
    get length() {
      return n;
    },
    p(percent) {
      return percentile(data, n, percent);
    },
  };
}
