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
