import type { Labels, MetricKind, MetricSnapshot, MetricsRegistry } from '@ws/core';
import { formatValue } from '../prometheus.js';
import { isExposedLabel } from './exposedLabel.js';

/** One sample as prom-client's registry writes it; `metricName` defaults to the family's name. */
export interface PromValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly metricName?: string;
}

/** What a metric's `get()` answers: one family, read now. */
export interface PromFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricKind;
  readonly values: readonly PromValue[];
  readonly aggregator: 'sum';
}

/**
 * A metric object as prom-client's `Registry` uses it: `registerMetric` and `getSingleMetric` key
 * it by `name`, `metrics()` and `getMetricsAsJSON()` call `get()`, `resetMetrics()` calls
 * `reset()`, the cluster aggregator reads `aggregator`. `name` is writable because an
 * OpenMetrics registry strips a counter's `_total` from it, as it does for its own counters.
 */
export interface PromMetric {
  name: string;
  readonly help: string;
  readonly type: MetricKind;
  readonly aggregator: 'sum';
  get(): Promise<PromFamily>;
  reset(): void;
}

function exposed(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (isExposedLabel(k)) out[k] = v;
  return out;
}

/** The samples of one snapshot, in the order and with the labels `renderPrometheus` writes. */
function valuesOf(snapshot: MetricSnapshot, name: string): PromValue[] {
  if (snapshot.kind !== 'histogram')
    return snapshot.samples.map((s) => ({ value: s.value, labels: exposed(s.labels) }));
  const values: PromValue[] = [];
  const bucket = `${name}_bucket`;
  for (const s of snapshot.samples) {
    const labels = exposed(s.labels);
    for (const b of s.buckets) {
      if (b.le === Infinity) continue;
      values.push({
        metricName: bucket,
        labels: { ...labels, le: formatValue(b.le) },
        value: b.count,
      });
    }
    values.push({ metricName: bucket, labels: { ...labels, le: '+Inf' }, value: s.count });
    values.push({ metricName: `${name}_sum`, labels, value: s.sum });
    values.push({ metricName: `${name}_count`, labels, value: s.count });
  }
  return values;
}

/**
 * A prom-client metric over one metric of `metrics`, read at each scrape (`metrics.read`), so
 * the registry always shows the manager's current values and nothing is copied in between.
 */
export function createPromMetric(metrics: MetricsRegistry, first: MetricSnapshot): PromMetric {
  const key = first.name;
  const metric: PromMetric = {
    name: key,
    help: first.help,
    type: first.kind,
    aggregator: 'sum',
    get: () =>
      // A throwing gauge `collect` rejects this scrape, as a throwing prom-client collect does.
      new Promise<PromFamily>((resolve) => {
        const snapshot = metrics.read(key);
        resolve({
          name: metric.name,
          help: metric.help,
          type: metric.type,
          values: snapshot === undefined ? [] : valuesOf(snapshot, metric.name),
          aggregator: 'sum',
        });
      }),
    // The values belong to the manager: `registry.resetMetrics()` leaves them alone.
    reset: () => undefined,
  };
  return metric;
}
