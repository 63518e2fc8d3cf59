import { WsError } from './errors.js';

/** Label values of one series; keys must be among the metric's declared label names. */
export type Labels = Readonly<Record<string, string>>;

/** The kinds of metric the registry holds. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One sample of a counter or gauge series. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** One series of a histogram: cumulative bucket counts, sum and count. */
export interface HistogramSample {
  readonly labels: Labels;
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly sum: number;
  readonly count: number;
}

/** A point-in-time view of one metric. */
export type MetricSnapshot =
  | {
      readonly name: string;
      readonly help: string;
      readonly kind: 'counter' | 'gauge';
      readonly samples: readonly Sample[];
    }
  | {
      readonly name: string;
      readonly help: string;
      readonly kind: 'histogram';
      readonly samples: readonly HistogramSample[];
    };

/** A monotonically increasing count. Names end in `_total`. */
export interface Counter {
  readonly kind: 'counter';
  inc(value?: number, labels?: Labels): void;
  /** A child bound to fixed labels, for hot paths. */
  labels(labels: Labels): { inc(value?: number): void };
  get(labels?: Labels): number;
}

/** A value that goes up and down, or is computed when read (`collect`). */
export interface Gauge {
  readonly kind: 'gauge';
  set(value: number, labels?: Labels): void;
  inc(value?: number, labels?: Labels): void;
  dec(value?: number, labels?: Labels): void;
  get(labels?: Labels): number;
}

/** A distribution of observations in base units (seconds, bytes). */
export interface Histogram {
  readonly kind: 'histogram';
  observe(value: number, labels?: Labels): void;
  /** Estimated quantile (0..1) by linear interpolation inside buckets; NaN with no data. */
  quantile(q: number, labels?: Labels): number;
}

/** Options of one metric. */
export interface MetricOptions {
  /** One line of help text. */
  readonly help: string;
  /**
   * Declared label names; values must come from a bounded set.
   * @default []
   */
  readonly labelNames?: readonly string[];
}

/** Options of a gauge. */
export interface GaugeOptions extends MetricOptions {
  /** Computes the gauge's samples when read, instead of `set`/`inc`. */
  readonly collect?: () => number | readonly Sample[];
}

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /**
   * Upper bounds of the buckets, ascending, in base units.
   * @default defaultBuckets
   */
  readonly buckets?: readonly number[];
}

/** Default histogram buckets (seconds), from 1 ms to 10 s. */
export const defaultBuckets: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/**
 * The manager's metrics registry. Core and every plugin register into it; dashboards and
 * `/metrics` read it through {@link MetricsRegistry.snapshot} without importing the packages.
 * Registering an existing name with the same kind returns the existing metric.
 */
export interface MetricsRegistry {
  counter(name: string, options: MetricOptions): Counter;
  gauge(name: string, options: GaugeOptions): Gauge;
  histogram(name: string, options: HistogramOptions): Histogram;
  has(name: string): boolean;
  snapshot(): readonly MetricSnapshot[];
  /** One metric's snapshot, or undefined when nothing registered it. */
  read(name: string): MetricSnapshot | undefined;
}

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function keyOf(labels: Labels | undefined, names: readonly string[]): string {
  if (labels === undefined || names.length === 0) return '';
  let key = '';
  for (const n of names) key += (labels[n] ?? '') + '\u0000';
  return key;
}

function checkLabels(name: string, labels: Labels | undefined, names: readonly string[]): void {
  if (labels === undefined) return;
  for (const k of Object.keys(labels)) {
    if (!names.includes(k))
      throw new WsError('invalid_options', `metric ${name}: unknown label "${k}"`);
  }
}

interface Entry {
  readonly kind: MetricKind;
  readonly metric: Counter | Gauge | Histogram;
  snapshot(): MetricSnapshot;
}

/** Creates an empty metrics registry. */
export function createMetricsRegistry(): MetricsRegistry {
  const entries = new Map<string, Entry>();

  function claim(name: string, kind: MetricKind): Entry | undefined {
    if (!namePattern.test(name)) throw new WsError('invalid_options', `bad metric name "${name}"`);
    const existing = entries.get(name);
    if (existing !== undefined && existing.kind !== kind) {
      throw new WsError('invalid_options', `metric ${name} is already a ${existing.kind}`);
    }
    return existing;
  }

  function makeSeries(names: readonly string[]) {
    const values = new Map<string, { labels: Labels; value: number }>();
    // The series without labels is the hot one (counted per frame): found without a Map lookup.
    let unlabeled: { labels: Labels; value: number } | undefined;
    const slot = (labels: Labels | undefined) => {
      if (labels === undefined && unlabeled !== undefined) return unlabeled;
      const key = keyOf(labels, names);
      let s = values.get(key);
      if (s === undefined) {
        s = { labels: labels === undefined || names.length === 0 ? {} : { ...labels }, value: 0 };
        values.set(key, s);
      }
      if (labels === undefined) unlabeled = s;
      return s;
    };
    return { values, slot };
  }

  return {
    counter(name, options) {
      const existing = claim(name, 'counter');
      if (existing) return existing.metric as Counter;
      const names = options.labelNames ?? [];
      const { values, slot } = makeSeries(names);
      const counter: Counter = {
        kind: 'counter',
        inc(value = 1, labels) {
          checkLabels(name, labels, names);
          slot(labels).value += value;
        },
        labels(labels) {
          checkLabels(name, labels, names);
          const s = slot(labels);
          return {
            inc(value = 1) {
              s.value += value;
            },
          };
        },
        get: (labels) => values.get(keyOf(labels, names))?.value ?? 0,
      };
      entries.set(name, {
        kind: 'counter',
        metric: counter,
        snapshot: () => ({
          name,
          help: options.help,
          kind: 'counter',
          samples: [...values.values()].map((s) => ({ labels: s.labels, value: s.value })),
        }),
      });
      return counter;
    },

    gauge(name, options) {
      const existing = claim(name, 'gauge');
      if (existing) return existing.metric as Gauge;
      const names = options.labelNames ?? [];
      const { values, slot } = makeSeries(names);
      const collected = (): readonly Sample[] => {
        const c = options.collect?.();
        if (c === undefined)
          return [...values.values()].map((s) => ({ labels: s.labels, value: s.value }));
        return typeof c === 'number' ? [{ labels: {}, value: c }] : c;
      };
      const gauge: Gauge = {
        kind: 'gauge',
        set(value, labels) {
          checkLabels(name, labels, names);
          slot(labels).value = value;
        },
        inc(value = 1, labels) {
          checkLabels(name, labels, names);
          slot(labels).value += value;
        },
        dec(value = 1, labels) {
          checkLabels(name, labels, names);
          slot(labels).value -= value;
        },
        get(labels) {
          if (options.collect === undefined) return values.get(keyOf(labels, names))?.value ?? 0;
          const key = keyOf(labels, names);
          return collected().find((s) => keyOf(s.labels, names) === key)?.value ?? 0;
        },
      };
      entries.set(name, {
        kind: 'gauge',
        metric: gauge,
        snapshot: () => ({ name, help: options.help, kind: 'gauge', samples: collected() }),
      });
      return gauge;
    },

    histogram(name, options) {
      const existing = claim(name, 'histogram');
      if (existing) return existing.metric as Histogram;
      const names = options.labelNames ?? [];
      const bounds = [...(options.buckets ?? defaultBuckets)].sort((a, b) => a - b);
      const series = new Map<
        string,
        { labels: Labels; counts: number[]; sum: number; count: number }
      >();
      let unlabeled: { labels: Labels; counts: number[]; sum: number; count: number } | undefined;
      const slot = (labels: Labels | undefined) => {
        if (labels === undefined && unlabeled !== undefined) return unlabeled;
        const key = keyOf(labels, names);
        let s = series.get(key);
        if (s === undefined) {
          s = {
            labels: labels === undefined ? {} : { ...labels },
            counts: bounds.map(() => 0),
            sum: 0,
            count: 0,
          };
          series.set(key, s);
        }
        if (labels === undefined) unlabeled = s;
        return s;
      };
      const histogram: Histogram = {
        kind: 'histogram',
        observe(value, labels) {
          checkLabels(name, labels, names);
          const s = slot(labels);
          s.sum += value;
          s.count++;
          for (let i = 0; i < bounds.length; i++) {
            if (value <= (bounds[i] as number)) {
              (s.counts[i] as number)++;
              break;
            }
          }
        },
        quantile(q, labels) {
          const s = series.get(keyOf(labels, names));
          if (s === undefined || s.count === 0) return Number.NaN;
          const rank = q * s.count;
          let cumulative = 0;
          for (let i = 0; i < bounds.length; i++) {
            const inBucket = s.counts[i] as number;
            if (cumulative + inBucket >= rank && inBucket > 0) {
              const lower = i === 0 ? 0 : (bounds[i - 1] as number);
              const upper = bounds[i] as number;
              return lower + ((upper - lower) * (rank - cumulative)) / inBucket;
            }
            cumulative += inBucket;
          }
          return bounds[bounds.length - 1] ?? Number.NaN;
        },
      };
      entries.set(name, {
        kind: 'histogram',
        metric: histogram,
        snapshot: () => ({
          name,
          help: options.help,
          kind: 'histogram',
          samples: [...series.values()].map((s) => {
            let cumulative = 0;
            return {
              labels: s.labels,
              buckets: bounds.map((le, i) => ({
                le,
                count: (cumulative += s.counts[i] as number),
              })),
              sum: s.sum,
              count: s.count,
            };
          }),
        }),
      });
      return histogram;
    },

    has: (name) => entries.has(name),
    snapshot: () => [...entries.values()].map((e) => e.snapshot()),
    read: (name) => entries.get(name)?.snapshot(),
  };
}
