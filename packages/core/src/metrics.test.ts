import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metricsRegistry.js';

describe('metrics registry', () => {
  it('counts by label, returns the same metric on re-registration, and refuses kind clashes', () => {
    const r = createMetricsRegistry();
    const c = r.counter('x_total', { help: 'x', labelNames: ['cause'] });
    c.inc(1, { cause: 'a' });
    c.labels({ cause: 'b' }).inc(2);
    expect(r.counter('x_total', { help: 'x' })).toBe(c);
    expect(c.get({ cause: 'b' })).toBe(2);
    expect(r.read('x_total')).toEqual({
      name: 'x_total',
      help: 'x',
      kind: 'counter',
      samples: [
        { labels: { cause: 'a' }, value: 1 },
        { labels: { cause: 'b' }, value: 2 },
      ],
    });
    expect(() => r.gauge('x_total', { help: 'x' })).toThrow(/already a counter/);
    expect(() => c.inc(1, { other: 'z' })).toThrow(/unknown label/);
    expect(() => r.counter('bad name', { help: '' })).toThrow(/bad metric name/);
  });

  it('computes gauges on read and estimates histogram quantiles', () => {
    const r = createMetricsRegistry();
    let n = 3;
    r.gauge('g', { help: 'g', collect: () => n });
    n = 4;
    expect(r.read('g')?.samples).toEqual([{ labels: {}, value: 4 }]);
    const h = r.histogram('h_seconds', { help: 'h', buckets: [0.1, 1, 10] });
    for (const v of [0.05, 0.5, 0.5, 5]) h.observe(v);
    const snap = r.read('h_seconds');
    expect(snap?.kind === 'histogram' && snap.samples[0]).toEqual({
      labels: {},
      buckets: [
        { le: 0.1, count: 1 },
        { le: 1, count: 3 },
        { le: 10, count: 4 },
      ],
      sum: 6.05,
      count: 4,
    });
    expect(h.quantile(0.5)).toBeGreaterThan(0.1);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(1);
    expect(Number.isNaN(r.histogram('empty_seconds', { help: '' }).quantile(0.5))).toBe(true);
    expect(r.has('g')).toBe(true);
    expect(r.snapshot().map((m) => m.name)).toEqual(['g', 'h_seconds', 'empty_seconds']);
  });
});
