import { createManager, createMetricsRegistry, silentLogger, userId } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { parsePrometheus } from '@ws/testkit';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatValue, renderPrometheus } from './prometheus.js';

describe('renderPrometheus', () => {
  it('writes HELP, TYPE and one line per series, escaping help text and label values', () => {
    const registry = createMetricsRegistry();
    registry
      .counter('app_events_total', { help: 'Events\\seen\nby kind.', labelNames: ['kind'] })
      .inc(3, { kind: 'a "quoted"\\ <script>\nx' });
    registry.gauge('app_level', { help: 'Level.' }).set(-1.5);
    registry.counter('app_never_total', { help: 'Never incremented.', labelNames: ['code'] });
    expect(renderPrometheus(registry.snapshot())).toBe(
      [
        '# HELP app_events_total Events\\\\seen\\nby kind.',
        '# TYPE app_events_total counter',
        'app_events_total{kind="a \\"quoted\\"\\\\ <script>\\nx"} 3',
        '# HELP app_level Level.',
        '# TYPE app_level gauge',
        'app_level -1.5',
        '# HELP app_never_total Never incremented.',
        '# TYPE app_never_total counter',
        '',
      ].join('\n'),
    );
    const parsed = parsePrometheus(renderPrometheus(registry.snapshot()));
    expect(parsed[0]?.samples[0]?.labels).toEqual({ kind: 'a "quoted"\\ <script>\nx' });
  });

  it('writes histograms as cumulative buckets ending in +Inf, then _sum and _count', () => {
    const registry = createMetricsRegistry();
    const h = registry.histogram('app_rtt_seconds', {
      help: 'RTT.',
      buckets: [0.1, 0.5],
      labelNames: ['region'],
    });
    for (const v of [0.05, 0.2, 0.3, 2]) h.observe(v, { region: 'eu' });
    expect(renderPrometheus(registry.snapshot())).toBe(
      [
        '# HELP app_rtt_seconds RTT.',
        '# TYPE app_rtt_seconds histogram',
        'app_rtt_seconds_bucket{region="eu",le="0.1"} 1',
        'app_rtt_seconds_bucket{region="eu",le="0.5"} 3',
        'app_rtt_seconds_bucket{region="eu",le="+Inf"} 4',
        'app_rtt_seconds_sum{region="eu"} 2.55',
        'app_rtt_seconds_count{region="eu"} 4',
        '',
      ].join('\n'),
    );
  });

  it('formats special values and escapes label values', () => {
    expect([
      formatValue(Number.NaN),
      formatValue(Infinity),
      formatValue(-Infinity),
      formatValue(0.25),
      formatValue(1e21),
    ]).toEqual(['NaN', '+Inf', '-Inf', '0.25', '1e+21']);
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(renderPrometheus([])).toBe('');
  });

  it("renders a live manager's registry in a form the strict parser accepts, with core's names", async () => {
    const manager = createManager({ logger: silentLogger() });
    try {
      const pair = createMemorySocketPair();
      await manager.connectUser(userId('<script>alert(1)</script>'), pair.server);
      manager.metrics.histogram('ws_heartbeat_rtt_seconds', { help: 'RTT.' }).observe(0.012);
      manager.metrics
        .counter('ws_messages_dropped_total', { help: 'x', labelNames: ['cause'] })
        .inc(1, { cause: 'slow_consumer' });
      const families = parsePrometheus(renderPrometheus(manager.metrics.snapshot()));
      const names = families.map((f) => f.name);
      for (const n of [
        'ws_connections',
        'ws_users',
        'ws_threads',
        'ws_connections_opened_total',
        'ws_messages_sent_total',
        'ws_messages_dropped_total',
        'ws_heartbeat_rtt_seconds',
      ]) {
        expect(names).toContain(n);
      }
      const byName = new Map(families.map((f) => [f.name, f]));
      expect(byName.get('ws_connections')?.samples).toEqual([
        { name: 'ws_connections', labels: {}, value: 1 },
      ]);
      expect(byName.get('ws_connections')?.type).toBe('gauge');
      expect(byName.get('ws_messages_dropped_total')?.samples).toEqual([
        { name: 'ws_messages_dropped_total', labels: { cause: 'slow_consumer' }, value: 1 },
      ]);
      expect(
        byName.get('ws_heartbeat_rtt_seconds')?.samples.filter((s) => s.name.endsWith('_count')),
      ).toEqual([{ name: 'ws_heartbeat_rtt_seconds_count', labels: {}, value: 1 }]);
    } finally {
      await manager.close();
    }
  });
});
