import type { HistogramSample, Labels, MetricSnapshot, Sample } from '@ws/core';
import type {
  LabelFilter,
  MultiSource,
  QuantileSource,
  RateSource,
  ValueSource,
} from '../config.js';
import type { RegistrySample } from './history.js';

/** One keyed value; `null` when there is not enough data (a rate with one sample, no observations). */
export interface Point {
  readonly key: string;
  readonly value: number | null;
}

/** A source evaluated at one sample: values, or why there are none. */
export type Evaluation =
  | { readonly status: 'ok'; readonly points: readonly Point[] }
  | { readonly status: 'not_installed'; readonly missing: readonly string[] }
  | { readonly status: 'error'; readonly message: string };

/** The metric names a source reads. */
export function metricsOf(source: ValueSource | MultiSource): string[] {
  if (source.type === 'multi') return [...new Set(source.series.map((s) => s.source.metric))];
  return [source.metric];
}

function matches(labels: Labels, filter: LabelFilter | undefined): boolean {
  if (filter === undefined) return true;
  for (const [k, v] of Object.entries(filter)) if (labels[k] !== v) return false;
  return true;
}

function labelKey(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function valueOf(sample: Sample | HistogramSample): number {
  return 'buckets' in sample ? sample.count : sample.value;
}

/** Which series of a metric count (`labels`) and how they are keyed (`by` a label's value). */
interface Grouping {
  readonly labels?: LabelFilter | undefined;
  readonly by?: string | undefined;
}

/**
 * Sums a metric's matching series per key: the `by` label's value, else the series' labels;
 * all into one key (the metric's name) when `whole`.
 */
function grouped(metric: MetricSnapshot, grouping: Grouping, whole: boolean): Map<string, number> {
  const { labels: filter, by } = grouping;
  const out = new Map<string, number>();
  for (const s of metric.samples as readonly (Sample | HistogramSample)[]) {
    if (!matches(s.labels, filter)) continue;
    const key = whole
      ? metric.name
      : by !== undefined
        ? (s.labels[by] ?? '')
        : labelKey(s.labels) || metric.name;
    out.set(key, (out.get(key) ?? 0) + valueOf(s));
  }
  return out;
}

/** The sample that opens a trailing window ending at `samples[index]`: the last one at or before its start, else the oldest. */
function windowBase(
  samples: readonly RegistrySample[],
  index: number,
  windowMs: number,
): RegistrySample | undefined {
  const current = samples[index];
  if (current === undefined || index === 0) return undefined;
  const start = current.at - windowMs;
  for (let j = index - 1; j >= 0; j--) {
    const s = samples[j] as RegistrySample;
    if (s.at <= start) return s;
  }
  return samples[0];
}

function rate(source: RateSource, samples: readonly RegistrySample[], index: number): Evaluation {
  const current = samples[index] as RegistrySample;
  const metric = current.metrics.get(source.metric) as MetricSnapshot;
  const now = grouped(metric, source, source.by === undefined);
  const base = windowBase(samples, index, source.windowMs);
  const dt = base === undefined ? 0 : (current.at - base.at) / 1000;
  const baseMetric = base?.metrics.get(source.metric);
  const then =
    baseMetric === undefined
      ? new Map<string, number>()
      : grouped(baseMetric, source, source.by === undefined);
  if (source.by === undefined && now.size === 0) now.set(source.metric, 0);
  const points: Point[] = [];
  for (const [key, value] of now) {
    if (dt <= 0) {
      points.push({ key, value: null });
      continue;
    }
    const before = then.get(key) ?? 0;
    const delta = value >= before ? value - before : value; // a counter reset starts again from 0
    points.push({ key, value: delta / dt });
  }
  return { status: 'ok', points };
}

/** A histogram's bucket bounds, their cumulative counts and the number of observations. */
interface Buckets {
  readonly les: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
}

function mergedBuckets(
  metric: MetricSnapshot | undefined,
  filter: LabelFilter | undefined,
): Buckets {
  const les: number[] = [];
  const counts: number[] = [];
  let count = 0;
  if (metric === undefined || metric.kind !== 'histogram') return { les, counts, count };
  for (const s of metric.samples) {
    if (!matches(s.labels, filter)) continue;
    count += s.count;
    s.buckets.forEach((b, i) => {
      if (les[i] === undefined) {
        les[i] = b.le;
        counts[i] = 0;
      }
      counts[i] = (counts[i] as number) + b.count;
    });
  }
  return { les, counts, count };
}

/**
 * A quantile from cumulative bucket counts (as Prometheus' `histogram_quantile`): linear
 * interpolation inside the bucket holding the rank; observations above the last bound report it.
 */
export function bucketQuantile(q: number, buckets: Buckets): number | null {
  const { les, counts: cumulative, count } = buckets;
  if (count <= 0 || les.length === 0) return null;
  const rank = q * count;
  for (let i = 0; i < les.length; i++) {
    const c = cumulative[i] as number;
    if (c >= rank) {
      const lowerCount = i === 0 ? 0 : (cumulative[i - 1] as number);
      const lower = i === 0 ? 0 : (les[i - 1] as number);
      const upper = les[i] as number;
      const inBucket = c - lowerCount;
      if (inBucket <= 0) return upper;
      return lower + ((upper - lower) * (rank - lowerCount)) / inBucket;
    }
  }
  return les[les.length - 1] as number;
}

/** `p50`, `p99`, `p99.9`. */
export function quantileKey(q: number): string {
  return `p${Number((q * 100).toFixed(3))}`;
}

function quantiles(
  source: QuantileSource,
  samples: readonly RegistrySample[],
  index: number,
): Evaluation {
  const current = samples[index] as RegistrySample;
  const metric = current.metrics.get(source.metric) as MetricSnapshot;
  if (metric.kind !== 'histogram')
    return { status: 'error', message: `${source.metric} is a ${metric.kind}, not a histogram` };
  const now = mergedBuckets(metric, source.labels);
  let { counts, count } = now;
  if (source.windowMs !== undefined) {
    const base = windowBase(samples, index, source.windowMs);
    if (base !== undefined) {
      const then = mergedBuckets(base.metrics.get(source.metric), source.labels);
      counts = counts.map((c, i) => c - (then.counts[i] ?? 0));
      count -= then.count;
    }
  }
  const inWindow: Buckets = { les: now.les, counts, count };
  return {
    status: 'ok',
    points: source.quantiles.map((q) => ({
      key: quantileKey(q),
      value: bucketQuantile(q, inWindow),
    })),
  };
}

function single(
  source: ValueSource,
  samples: readonly RegistrySample[],
  index: number,
): Evaluation {
  const current = samples[index];
  if (current === undefined) return { status: 'ok', points: [] };
  const metric = current.metrics.get(source.metric);
  if (metric === undefined) return { status: 'not_installed', missing: [source.metric] };
  switch (source.type) {
    case 'metric': {
      const points = [...grouped(metric, { labels: source.labels }, false)].map(([key, value]) => ({
        key,
        value,
      }));
      return {
        status: 'ok',
        points: points.length === 0 ? [{ key: source.metric, value: 0 }] : points,
      };
    }
    case 'sumBy':
      return {
        status: 'ok',
        points: [...grouped(metric, source, false)].map(([key, value]) => ({
          key,
          value,
        })),
      };
    case 'rate':
      return rate(source, samples, index);
    case 'quantile':
      return quantiles(source, samples, index);
  }
}

/**
 * Evaluates a value source at `samples[index]` (earlier samples serve rates and windows).
 * A `multi` source keys each value by its series label (`in`, or `in code=1000` when a series has
 * several values); it is "not installed" only when every series is.
 */
export function evaluate(
  source: ValueSource | MultiSource,
  samples: readonly RegistrySample[],
  index: number,
): Evaluation {
  if (source.type !== 'multi') return single(source, samples, index);
  const points: Point[] = [];
  const missing: string[] = [];
  for (const series of source.series) {
    const e = single(series.source, samples, index);
    if (e.status === 'error') return e;
    if (e.status === 'not_installed') {
      missing.push(...e.missing);
      continue;
    }
    for (const p of e.points)
      points.push({
        key: e.points.length === 1 ? series.label : `${series.label} ${p.key}`,
        value: p.value,
      });
  }
  if (points.length === 0 && missing.length > 0)
    return { status: 'not_installed', missing: [...new Set(missing)] };
  return { status: 'ok', points };
}
