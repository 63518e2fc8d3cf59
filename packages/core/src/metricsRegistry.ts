import { WsError } from './errors.js';
import { createHistogram } from './internal/histogram.js';
import type { MetricEntry } from './internal/metricSeries.js';
import { createCounter, createGauge } from './internal/metricSeries.js';
import type { Counter, Gauge, Histogram, MetricKind, MetricsRegistry } from './metrics.js';

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Creates an empty metrics registry. */
export function createMetricsRegistry(): MetricsRegistry {
  const entries = new Map<string, MetricEntry>();

  function claim(name: string, kind: MetricKind): MetricEntry | undefined {
    if (!namePattern.test(name)) throw new WsError('invalid_options', `bad metric name "${name}"`);
    const existing = entries.get(name);
    if (existing !== undefined && existing.kind !== kind) {
      throw new WsError('invalid_options', `metric ${name} is already a ${existing.kind}`);
    }
    return existing;
  }

  return {
    counter(name, options) {
      const existing = claim(name, 'counter');
      if (existing) return existing.metric as Counter;
      const entry = createCounter(name, options);
      entries.set(name, entry);
      return entry.metric;
    },
    gauge(name, options) {
      const existing = claim(name, 'gauge');
      if (existing) return existing.metric as Gauge;
      const entry = createGauge(name, options);
      entries.set(name, entry);
      return entry.metric;
    },
    histogram(name, options) {
      const existing = claim(name, 'histogram');
      if (existing) return existing.metric as Histogram;
      const entry = createHistogram(name, options);
      entries.set(name, entry);
      return entry.metric;
    },
    has: (name) => entries.has(name),
    snapshot: () => [...entries.values()].map((e) => e.snapshot()),
    read: (name) => entries.get(name)?.snapshot(),
  };
}
