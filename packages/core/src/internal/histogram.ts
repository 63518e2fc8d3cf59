import type { Histogram, HistogramOptions, Labels } from '../metrics.js';
import { defaultBuckets } from '../metrics.js';
import type { MetricEntry } from './metricSeries.js';
import { checkLabels, keyOf } from './metricSeries.js';

/** A new histogram named `name`, over `options.buckets` (ascending upper bounds). */
export function createHistogram(name: string, options: HistogramOptions): MetricEntry<Histogram> {
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
  return {
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
  };
}
