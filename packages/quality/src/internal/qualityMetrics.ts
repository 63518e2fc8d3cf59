import type { MetricsRegistry } from '@ws/core';
import type { QualityAlertKind } from '../alerts.js';
import type { GateDirection } from '../gate.js';

/** Buckets of `ws_quality_validation_seconds`: gates are fast, a remote store is slower. */
export const validationBuckets: readonly number[] = Object.freeze([
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
  0.25, 1,
]);

/** The labels of one `ws_quality_rejects_total` series: the gate, its direction, the wire code. */
export type RejectLabels = {
  readonly gate: string;
  readonly direction: GateDirection;
  readonly code: string;
};

/** The plugin's metrics in the manager's registry, with children bound per gate. */
export interface QualityMetrics {
  pass(gate: string, direction: GateDirection, seconds: number): void;
  reject(labels: RejectLabels, seconds: number): void;
  close(gate: string, direction: GateDirection, seconds: number): void;
  alert(kind: QualityAlertKind): void;
}

/**
 * Registers `ws_quality_passes_total{gate,direction}`, `ws_quality_rejects_total{gate,direction,code}`,
 * `ws_quality_closes_total{gate,direction}`, `ws_quality_validation_seconds{gate,direction}`,
 * `ws_quality_alerts_total{alert}` and `ws_quality_alerts_active` (computed).
 */
export function registerQualityMetrics(
  registry: MetricsRegistry,
  activeAlerts: () => number,
): QualityMetrics {
  const passes = registry.counter('ws_quality_passes_total', {
    help: 'Frames a quality gate passed.',
    labelNames: ['gate', 'direction'],
  });
  const rejects = registry.counter('ws_quality_rejects_total', {
    help: 'Frames a quality gate refused, by wire error code.',
    labelNames: ['gate', 'direction', 'code'],
  });
  const closes = registry.counter('ws_quality_closes_total', {
    help: 'Connections a quality gate closed.',
    labelNames: ['gate', 'direction'],
  });
  const latency = registry.histogram('ws_quality_validation_seconds', {
    help: 'Time one quality gate took to decide, in seconds.',
    labelNames: ['gate', 'direction'],
    buckets: validationBuckets,
  });
  const alerts = registry.counter('ws_quality_alerts_total', {
    help: 'Quality alerts fired (once per breach).',
    labelNames: ['alert'],
  });
  registry.gauge('ws_quality_alerts_active', {
    help: 'Quality alerts firing now.',
    collect: activeAlerts,
  });

  return {
    pass(gate, direction, seconds) {
      passes.inc(1, { gate, direction });
      latency.observe(seconds, { gate, direction });
    },
    reject(labels, seconds) {
      rejects.inc(1, labels);
      latency.observe(seconds, { gate: labels.gate, direction: labels.direction });
    },
    close(gate, direction, seconds) {
      closes.inc(1, { gate, direction });
      latency.observe(seconds, { gate, direction });
    },
    alert(kind) {
      alerts.inc(1, { alert: kind });
    },
  };
}
