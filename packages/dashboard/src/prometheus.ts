import type { Labels, MetricSnapshot } from '@ws/core';
import { isExposedLabel } from './internal/exposedLabel.js';

/** The `Content-Type` of the Prometheus text exposition format. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** Escapes a HELP text: backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value as Prometheus writes it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelText(labels: Labels, extra?: readonly [string, string]): string {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (isExposedLabel(k)) pairs.push(`${k}="${escapeLabelValue(v)}"`);
  }
  if (extra !== undefined) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/**
 * Renders registry snapshots in the Prometheus text exposition format (0.0.4): `# HELP` and
 * `# TYPE` per metric, one line per series; histograms as cumulative `_bucket{le}` lines
 * (ending with `le="+Inf"`), `_sum` and `_count`. Label values are escaped.
 */
export function renderPrometheus(snapshot: readonly MetricSnapshot[]): string {
  const lines: string[] = [];
  for (const metric of snapshot) {
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`);
    lines.push(`# TYPE ${metric.name} ${metric.kind}`);
    if (metric.kind === 'histogram') {
      for (const s of metric.samples) {
        for (const b of s.buckets) {
          if (b.le === Infinity) continue;
          lines.push(
            `${metric.name}_bucket${labelText(s.labels, ['le', formatValue(b.le)])} ${formatValue(b.count)}`,
          );
        }
        lines.push(
          `${metric.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${formatValue(s.count)}`,
        );
        lines.push(`${metric.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
        lines.push(`${metric.name}_count${labelText(s.labels)} ${formatValue(s.count)}`);
      }
    } else {
      for (const s of metric.samples)
        lines.push(`${metric.name}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
