import type { Counter as CoreCounter } from '@ws/core';
import { isWsError } from '@ws/core';
import type { OpenMetricsContentType } from 'prom-client';
import { Counter, Gauge, Histogram, Registry, register } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderPrometheus } from '../prometheus.js';
import { collectInto, collectIntoDefaults } from './index.js';
import type { Fixture } from './testSupport.js';
import { scrape, startFixture } from './testSupport.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.manager.close();
});

/** The WsError `fn` throws: its code and message. */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isWsError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('did not throw');
}

const names = (registry: Registry): string[] => registry.getMetricsAsArray().map((m) => m.name);

/** A plugin `use`d late, registering one counter. */
function lateCounter(name: string): CoreCounter {
  return f.manager.use({
    name: `late-${name}`,
    setup: (ctx) => ctx.metrics.counter(name, { help: 'Registered late.', labelNames: ['kind'] }),
  });
}

describe('collectInto: the registry', () => {
  it('refuses a name already in the registry, naming it, and registers nothing', () => {
    const registry = new Registry();
    new Gauge({ name: 'ws_users', help: 'Theirs.', registers: [registry] });
    new Counter({ name: 'app_latency_seconds_count', help: 'Theirs.', registers: [registry] });
    expect(thrown(() => collectInto(registry, f.manager))).toEqual({
      code: 'invalid_options',
      message:
        'collectInto: already in the registry: ws_users, app_latency_seconds (app_latency_seconds_count); nothing was registered',
    });
    expect(names(registry)).toEqual(['ws_users', 'app_latency_seconds_count']);
    // The other way round: a histogram of theirs whose series a counter of ours would repeat.
    const other = new Registry();
    new Histogram({ name: 'app_events', help: 'Theirs.', registers: [other] });
    f.manager.metrics.counter('app_events_count', { help: 'Ours.' });
    expect(thrown(() => collectInto(other, f.manager)).message).toContain(
      'already in the registry: app_events_count (app_events)',
    );
    // The same manager twice into one registry.
    const twice = new Registry();
    collectInto(twice, f.manager);
    expect(thrown(() => collectInto(twice, f.manager)).message).toContain(
      'already in the registry: ws_connections, ws_users,',
    );
  });

  it('remove() leaves the registry as it was, and is idempotent; refresh() after it is refused', async () => {
    const registry = new Registry();
    new Counter({ name: 'app_requests_total', help: 'Requests.', registers: [registry] }).inc(3);
    new Gauge({ name: 'app_level', help: 'Level.', registers: [registry] }).set(-1.5);
    const before = await registry.metrics();
    const collection = collectInto(registry, f.manager);
    await f.send();
    expect((await registry.metrics()).length).toBeGreaterThan(before.length);
    collection.remove();
    expect(await registry.metrics()).toBe(before);
    expect(names(registry)).toEqual(['app_requests_total', 'app_level']);
    expect(collection.metrics).toEqual([]);
    collection.remove();
    expect(await registry.metrics()).toBe(before);
    expect(thrown(() => collection.refresh())).toEqual({
      code: 'closed',
      message: 'collectInto: refresh() after remove()',
    });
  });

  it('remove() leaves a metric someone else registered since under one of its names', () => {
    const registry = new Registry();
    const collection = collectInto(registry, f.manager);
    registry.removeSingleMetric('ws_users');
    const theirs = new Gauge({ name: 'ws_users', help: 'Theirs.', registers: [registry] });
    collection.remove();
    expect(names(registry)).toEqual(['ws_users']);
    expect(registry.getSingleMetric('ws_users')).toBe(theirs);
  });

  it('exposes metrics registered in the manager later after refresh(), which adds each once', async () => {
    const registry = new Registry();
    const collection = collectInto(registry, f.manager);
    const first = collection.metrics;
    const late = lateCounter('app_late_total');
    late.inc(4, { kind: 'x' });
    expect((await scrape(registry)).families.map((fam) => fam.name)).toEqual(first);
    expect(collection.refresh()).toEqual(['app_late_total']);
    expect(collection.refresh()).toEqual([]);
    expect(collection.metrics).toEqual([...first, 'app_late_total']);
    const { text, families } = await scrape(registry);
    expect(text).toBe(renderPrometheus(f.manager.metrics.snapshot()));
    expect(families.at(-1)?.samples).toEqual([
      { name: 'app_late_total', labels: { kind: 'x' }, value: 4 },
    ]);
  });

  it('refresh() refuses a later name already in the registry and adds none of that batch', () => {
    const registry = new Registry();
    const collection = collectInto(registry, f.manager);
    const first = collection.metrics;
    new Counter({ name: 'app_taken_total', help: 'Theirs.', registers: [registry] });
    lateCounter('app_fine_total');
    lateCounter('app_taken_total');
    expect(thrown(() => collection.refresh())).toEqual({
      code: 'invalid_options',
      message: 'collectInto: already in the registry: app_taken_total; nothing was registered',
    });
    expect(collection.metrics).toEqual(first);
    expect(registry.getSingleMetric('app_fine_total')).toBeUndefined();
  });

  it('include picks metrics by name, at collectInto and at refresh()', async () => {
    const registry = new Registry();
    const include = (name: string): boolean => name.startsWith('app_');
    const collection = collectInto(registry, f.manager, { include });
    expect(collection.metrics).toEqual(['app_latency_seconds', 'app_events_total']);
    lateCounter('ws_late_total');
    lateCounter('app_late_total');
    expect(collection.refresh()).toEqual(['app_late_total']);
    expect((await scrape(registry)).families.map((fam) => fam.name)).toEqual([
      'app_latency_seconds',
      'app_events_total',
      'app_late_total',
    ]);
    expect(collectIntoDefaults.include('anything')).toBe(true);
  });

  it('refuses a missing or invalid registry, manager or option with invalid_options', () => {
    const registry = new Registry();
    const refusals = [
      () => collectInto(undefined as never, f.manager),
      () => collectInto(null as never, f.manager),
      () => collectInto({ registerMetric: () => undefined } as never, f.manager),
      () => collectInto(registry, undefined as never),
      () => collectInto(registry, { metrics: {} } as never),
      () => collectInto(registry, f.manager, 'all' as never),
      () => collectInto(registry, f.manager, { include: 'app_' as never }),
    ].map((fn) => thrown(fn));
    expect(refusals.map((r) => r.code)).toEqual(Array<string>(7).fill('invalid_options'));
    expect(refusals[0]?.message).toBe(
      'collectInto: `registry` must be a prom-client Registry (e.g. `new Registry()`)',
    );
    expect(names(registry)).toEqual([]);
  });

  it("collects into prom-client's global registry only when it is passed, and remove() restores it", async () => {
    const before = names(register);
    const collection = collectInto(register, f.manager, { include: (n) => n === 'ws_users' });
    try {
      expect(names(register)).toEqual([...before, 'ws_users']);
      expect((await scrape(register)).text).toContain('\nws_users 2\n');
    } finally {
      collection.remove();
    }
    expect(names(register)).toEqual(before);
  });

  it("keeps the registry's own features: default labels, JSON, resetMetrics, OpenMetrics", async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app: 'chat' });
    collectInto(registry, f.manager, { include: (n) => n === 'ws_users' || n.startsWith('app_l') });
    f.latency.observe(0.05, { route: '/a' });
    registry.resetMetrics(); // the manager's values are the manager's: untouched
    const { families } = await scrape(registry);
    expect(families[0]?.samples).toEqual([{ name: 'ws_users', labels: { app: 'chat' }, value: 2 }]);
    expect(families[1]?.samples.at(-1)).toEqual({
      name: 'app_latency_seconds_count',
      labels: { route: '/a', app: 'chat' },
      value: 1,
    });
    const json = await registry.getMetricsAsJSON();
    expect(json.map((m) => [m.name, m.type, m.values.length])).toEqual([
      ['ws_users', 'gauge', 1],
      ['app_latency_seconds', 'histogram', 6],
    ]);
    // OpenMetrics: a counter is written as prom-client writes its own counters.
    const open = new Registry<OpenMetricsContentType>();
    open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new Counter({ name: 'app_hits_total', help: 'Hits.', registers: [open] }).inc(2);
    collectInto(open, f.manager, { include: (n) => n === 'ws_connections_opened_total' });
    expect(await open.metrics()).toBe(
      [
        '# HELP app_hits Hits.',
        '# TYPE app_hits counter',
        'app_hits_total 2',
        '# HELP ws_connections_opened Connections registered.',
        '# TYPE ws_connections_opened counter',
        'ws_connections_opened_total 3',
        '# EOF',
        '',
      ].join('\n'),
    );
  });
});
