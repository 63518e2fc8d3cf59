import type { Manager, WsError } from '@ws/core';
import { createManager, isWsError, silentLogger, threadId, userId } from '@ws/core';
import type { ManualClock } from '@ws/core/testing';
import { createManualClock, createMemorySocketPair } from '@ws/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigChange, DashboardConfig } from './config.js';
import type { Dashboard } from './dashboard.js';
import { createDashboard } from './dashboard.js';
import { defaultDashboardConfig } from './defaultConfig.js';
import type { WidgetData } from './widgetData.js';

let manager: Manager;
let clock: ManualClock;

function setup(options: Parameters<typeof createDashboard>[1] = {}): Dashboard {
  clock = createManualClock(1_700_000_000_000);
  manager = createManager({ clock, logger: silentLogger(), instanceId: 'inst-1' });
  return createDashboard(manager, options);
}

afterEach(async () => {
  await manager.close();
});

async function connect(name: string): Promise<ReturnType<typeof createMemorySocketPair>> {
  const pair = createMemorySocketPair();
  await manager.connectUser(userId(name), pair.server);
  return pair;
}

function ok(data: WidgetData): Extract<WidgetData, { status: 'ok' }>['data'] {
  if (data.status !== 'ok') throw new Error(`widget ${data.id} is ${data.status}`);
  return data.data;
}

function errorOf(fn: () => unknown): WsError & { issues?: { path: string; message: string }[] } {
  try {
    fn();
  } catch (err) {
    if (isWsError(err)) return err;
    throw err;
  }
  throw new Error('expected a WsError');
}

const small: DashboardConfig = {
  version: 1,
  dashboards: [
    {
      id: 'ops',
      title: 'Ops',
      widgets: [
        {
          id: 'conns',
          title: 'Connections',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_connections' },
        },
      ],
    },
  ],
};

describe('createDashboard: configuration', () => {
  it('ships a default dashboard and exports it as canonical JSON', () => {
    const dash = setup();
    expect(dash.getConfig()).toEqual(defaultDashboardConfig);
    expect(dash.revision).toBe(1);
    expect(JSON.parse(dash.exportConfig())).toEqual(defaultDashboardConfig);
  });

  it('export -> import round-trips exactly, into the same and into another dashboard', () => {
    const dash = setup();
    dash.updateDashboardConfig({
      dashboards: {
        extra: {
          title: 'Extra <b>',
          widgets: [
            {
              id: 'x1',
              title: 'Rate',
              kind: 'timeseries',
              unit: 'per_second',
              rangeMs: 60_000,
              source: { type: 'rate', metric: 'ws_messages_sent_total', windowMs: 5000 },
            },
          ],
        },
      },
      defaultDashboard: 'extra',
    });
    const text = dash.exportConfig();
    const other = createDashboard(manager);
    other.importConfig(text);
    expect(other.exportConfig()).toBe(text);
    expect(other.getConfig()).toEqual(dash.getConfig());
    dash.importConfig(text);
    expect(dash.exportConfig()).toBe(text);
    expect(dash.revision).toBe(3);
    // A parsed object is accepted too.
    other.importConfig(JSON.parse(text) as DashboardConfig);
    expect(other.exportConfig()).toBe(text);
  });

  it('applies patches: add, replace in place, remove, default; each bumps the revision and emits a change', () => {
    const dash = setup({ config: small });
    const changes: ConfigChange[] = [];
    const managerEvents: unknown[] = [];
    dash.onConfigChange((c) => changes.push(c));
    manager.on('dashboard:config', (...args: never[]) => managerEvents.push(args[0]));

    dash.updateDashboardConfig({ dashboards: { second: { title: 'Second', widgets: [] } } });
    expect(dash.getConfig().dashboards.map((d) => d.id)).toEqual(['ops', 'second']);
    dash.updateDashboardConfig({
      dashboards: { ops: { title: 'Ops 2', widgets: [] } },
      defaultDashboard: 'second',
    });
    expect(dash.getConfig().dashboards.map((d) => `${d.id}:${d.title}`)).toEqual([
      'ops:Ops 2',
      'second:Second',
    ]);
    expect(dash.getConfig().defaultDashboard).toBe('second');
    dash.updateDashboardConfig({ dashboards: { second: null } });
    expect(dash.getConfig()).toEqual({
      version: 1,
      dashboards: [{ id: 'ops', title: 'Ops 2', widgets: [] }],
    });

    expect(dash.revision).toBe(4);
    expect(changes.map((c) => [c.previousRevision, c.revision, c.cause])).toEqual([
      [1, 2, 'update'],
      [2, 3, 'update'],
      [3, 4, 'update'],
    ]);
    expect(changes[2]?.config).toBe(dash.getConfig());
    expect(managerEvents).toEqual(changes);
  });

  it('refuses a bad patch with the path of each error and keeps the current config', () => {
    const dash = setup({ config: small });
    const before = dash.exportConfig();
    const changes: ConfigChange[] = [];
    dash.onConfigChange((c) => changes.push(c));
    const err = errorOf(() =>
      dash.updateDashboardConfig({
        dashboards: {
          ops: {
            title: 'Ops',
            widgets: [
              {
                id: 'conns',
                title: 'Connections',
                kind: 'pie' as never,
                source: { type: 'metric', metric: 'ws_connections' },
              },
              {
                id: 'conns',
                title: 'Again',
                kind: 'number',
                source: { type: 'metric', metric: '' },
              },
            ],
          },
        },
      }),
    );
    expect(err.code).toBe('invalid_config');
    expect(err.issues?.map((i) => i.path)).toEqual([
      'dashboards.ops.widgets[0].kind',
      'dashboards.ops.widgets[1].id',
      'dashboards.ops.widgets[1].source.metric',
    ]);
    expect(err.message).toContain(
      'dashboards.ops.widgets[0].kind: must be one of number, timeseries, table, bar',
    );

    const missing = errorOf(() =>
      dash.updateDashboardConfig({
        dashboards: { nope: null, 'bad id': { title: 'x', widgets: [] } },
        colour: 'red',
      } as never),
    );
    expect(missing.issues).toEqual([
      { path: 'colour', message: 'unknown key (allowed: dashboards, defaultDashboard)' },
      { path: 'dashboards.nope', message: 'no dashboard "nope" to remove' },
      {
        path: 'dashboards.bad id',
        message: 'bad dashboard id (must match /^[A-Za-z0-9_.-]{1,64}$/)',
      },
    ]);
    const last = errorOf(() => dash.updateDashboardConfig({ dashboards: { ops: null } }));
    expect(last.issues).toEqual([
      { path: 'dashboards', message: 'must be an array of 1-100 dashboards' },
    ]);

    expect(dash.exportConfig()).toBe(before);
    expect(dash.revision).toBe(1);
    expect(changes).toEqual([]);
  });

  it('refuses an update made against an old revision (conflict)', () => {
    const dash = setup({ config: small });
    dash.updateDashboardConfig({ defaultDashboard: 'ops' }, { expectedRevision: 1 });
    const err = errorOf(() =>
      dash.updateDashboardConfig({ defaultDashboard: null }, { expectedRevision: 1 }),
    );
    expect(err).toMatchObject({
      code: 'conflict',
      message: 'dashboard config is at revision 2, not 1',
    });
    expect(dash.getConfig().defaultDashboard).toBe('ops');
  });

  it('refuses malformed JSON, malformed configs and newer versions on import, keeping the current config', () => {
    const dash = setup({ config: small });
    const before = dash.exportConfig();
    expect(errorOf(() => dash.importConfig('{"version":1,'))).toMatchObject({
      code: 'invalid_config',
      issues: [{ path: '$', message: 'not valid JSON' }],
    });
    expect(
      errorOf(() =>
        dash.importConfig(
          '{"version":1,"dashboards":[{"id":"a","title":"A","widgets":[{"id":"w","title":"W","kind":"bar"}]}]}',
        ),
      ),
    ).toMatchObject({
      code: 'invalid_config',
      issues: [
        { path: 'dashboards[0].widgets[0].source', message: 'must be an object with a "type"' },
      ],
    });
    const newer = JSON.stringify({ ...JSON.parse(before), version: 2 });
    expect(errorOf(() => dash.importConfig(newer))).toMatchObject({ code: 'unsupported_version' });
    expect(dash.exportConfig()).toBe(before);
    expect(dash.revision).toBe(1);
  });

  it('validates the initial config and options', () => {
    clock = createManualClock();
    manager = createManager({ clock, logger: silentLogger() });
    expect(() =>
      createDashboard(manager, { config: '{"version":9,"dashboards":[]}' }),
    ).toThrowError(expect.objectContaining({ code: 'unsupported_version' }));
    expect(() => createDashboard(manager, { sampleIntervalMs: 0 })).toThrowError(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(createDashboard(manager, { config: JSON.stringify(small) }).getConfig()).toEqual(small);
  });
});

describe('createDashboard: data', () => {
  it('reports live numbers, the instance table and the connection table', async () => {
    const dash = setup();
    await connect('alice');
    const bob = await connect('bob');
    await connect('bob');
    const conns = [...(await manager.findUser(userId('bob')))!.connections];
    await manager.joinThread(conns[0]!.connectionId, threadId('room-1'));

    const data = await dash.getDashboardData();
    expect(data.id).toBe('overview');
    expect(data.revision).toBe(1);
    expect(data.dashboards).toEqual([
      { id: 'overview', title: 'Overview' },
      { id: 'connections', title: 'Connections' },
    ]);
    const byId = new Map(data.widgets.map((w) => [w.id, w]));
    expect(ok(byId.get('connections')!)).toEqual({ kind: 'number', value: 3 });
    expect(ok(byId.get('users')!)).toEqual({ kind: 'number', value: 2 });
    expect(ok(byId.get('threads')!)).toEqual({ kind: 'number', value: 1 });
    expect(ok(byId.get('instances')!)).toEqual({
      kind: 'table',
      columns: ['instance', 'url', 'state', 'connections', 'users', 'last heartbeat', 'self'],
      rows: [['inst-1', '', 'running', 3, 2, new Date(clock.now()).toISOString(), true]],
    });

    const list = ok(await dash.getWidgetData('connection-list'));
    expect(list.kind).toBe('table');
    if (list.kind !== 'table') return;
    expect(list.columns).toEqual(['user', 'connection', 'threads', 'protocol', 'connected']);
    expect(list.rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['alice', '', 'wsm.v1.json'],
      ['bob', 'room-1', 'wsm.v1.json'],
      ['bob', '', 'wsm.v1.json'],
    ]);

    bob.client.close();
    await Promise.resolve();
    await Promise.resolve();
    expect(ok(await dash.getWidgetData('connections'))).toEqual({ kind: 'number', value: 2 });
  });

  it('shows "not installed" for widgets whose metric nobody registered, until a plugin registers it', async () => {
    const dash = setup();
    const rtt = await dash.getWidgetData('rtt-chart');
    expect(rtt).toEqual({
      id: 'rtt-chart',
      title: 'Heartbeat RTT p50 / p99',
      kind: 'timeseries',
      unit: 'seconds',
      status: 'not_installed',
      missing: ['ws_heartbeat_rtt_seconds'],
    });
    expect(await dash.getWidgetData('quality-rejects')).toMatchObject({
      status: 'not_installed',
      missing: ['ws_quality_rejects_total'],
    });
    expect(await dash.getWidgetData('heartbeat-timeouts')).toMatchObject({
      status: 'not_installed',
      missing: ['ws_heartbeat_timeouts_total'],
    });

    manager.metrics.counter('ws_heartbeat_timeouts_total', { help: 'Timeouts.' }).inc(4);
    expect(ok(await dash.getWidgetData('heartbeat-timeouts'))).toEqual({
      kind: 'number',
      value: 4,
    });
  });

  it('computes rates over a window, sums by label and quantiles of a histogram', async () => {
    const dash = setup({
      sampleIntervalMs: 1000,
      config: {
        version: 1,
        dashboards: [
          {
            id: 'd',
            title: 'D',
            widgets: [
              {
                id: 'rate',
                title: 'Rate',
                kind: 'number',
                unit: 'per_second',
                source: { type: 'rate', metric: 'app_jobs_total', windowMs: 5000 },
              },
              {
                id: 'rate-by',
                title: 'Rate by kind',
                kind: 'bar',
                source: { type: 'rate', metric: 'app_jobs_total', windowMs: 5000, by: 'kind' },
              },
              {
                id: 'sum',
                title: 'Sum',
                kind: 'table',
                source: { type: 'sumBy', metric: 'app_jobs_total', by: 'kind' },
              },
              {
                id: 'only-a',
                title: 'A',
                kind: 'number',
                source: { type: 'metric', metric: 'app_jobs_total', labels: { kind: 'a' } },
              },
              {
                id: 'q',
                title: 'Latency',
                kind: 'bar',
                unit: 'seconds',
                source: { type: 'quantile', metric: 'app_latency_seconds', quantiles: [0.5, 0.9] },
              },
              {
                id: 'q-win',
                title: 'Latency 2s',
                kind: 'bar',
                unit: 'seconds',
                source: {
                  type: 'quantile',
                  metric: 'app_latency_seconds',
                  quantiles: [0.5],
                  windowMs: 2000,
                },
              },
              {
                id: 'q-bad',
                title: 'Not a histogram',
                kind: 'number',
                source: { type: 'quantile', metric: 'app_jobs_total', quantiles: [0.5] },
              },
              {
                id: 'multi',
                title: 'Multi',
                kind: 'bar',
                source: {
                  type: 'multi',
                  series: [
                    {
                      label: 'jobs',
                      source: { type: 'metric', metric: 'app_jobs_total', labels: { kind: 'b' } },
                    },
                    { label: 'nothing', source: { type: 'metric', metric: 'app_absent_total' } },
                  ],
                },
              },
            ],
          },
        ],
      },
    });
    const jobs = manager.metrics.counter('app_jobs_total', { help: 'Jobs.', labelNames: ['kind'] });
    const latency = manager.metrics.histogram('app_latency_seconds', {
      help: 'Latency.',
      buckets: [0.1, 0.2, 0.4],
    });
    // No earlier sample: a rate has no value yet.
    expect(ok(await dash.getWidgetData('rate'))).toEqual({ kind: 'number', value: null });
    for (let i = 0; i < 5; i++) {
      clock.advance(1000); // sample at +1 s ... +5 s
      jobs.inc(10, { kind: 'a' });
      jobs.inc(2, { kind: 'b' });
    }
    // Now: +5 s, totals a=50 b=10; the window opens at the sample taken at +0 s (a=0, b=0).
    expect(ok(await dash.getWidgetData('rate'))).toEqual({ kind: 'number', value: 12 });
    expect(ok(await dash.getWidgetData('rate-by'))).toEqual({
      kind: 'bar',
      bars: [
        { key: 'a', value: 10 },
        { key: 'b', value: 2 },
      ],
    });
    expect(ok(await dash.getWidgetData('sum'))).toEqual({
      kind: 'table',
      columns: ['kind', 'value'],
      rows: [
        ['a', 50],
        ['b', 10],
      ],
    });
    expect(ok(await dash.getWidgetData('only-a'))).toEqual({ kind: 'number', value: 50 });
    expect(ok(await dash.getWidgetData('multi'))).toEqual({
      kind: 'bar',
      bars: [{ key: 'jobs', value: 10 }],
    });
    expect(await dash.getWidgetData('q-bad')).toMatchObject({
      status: 'error',
      message: 'app_jobs_total is a counter, not a histogram',
    });

    for (const v of [0.05, 0.05, 0.15, 0.3]) latency.observe(v);
    // p50: rank 2 of 4 in the first bucket (0..0.1, 2 observations) -> 0.1; p90: rank 3.6 in (0.2, 0.4] -> 0.2 + 0.2 * 0.6.
    const q = ok(await dash.getWidgetData('q'));
    expect(q.kind === 'bar' && q.bars.map((b) => [b.key, Number(b.value?.toFixed(6))])).toEqual([
      ['p50', 0.1],
      ['p90', 0.32],
    ]);
    clock.advance(3000); // samples at +6, +7, +8 s hold the 4 observations
    latency.observe(0.35);
    // The 2 s window holds one observation (0.35, in (0.2, 0.4]): p50 = 0.2 + 0.2 * 0.5.
    const win = ok(await dash.getWidgetData('q-win'));
    expect(win.kind === 'bar' && win.bars.map((b) => [b.key, Number(b.value?.toFixed(6))])).toEqual(
      [['p50', 0.3]],
    );
  });

  it('keeps a bounded time series from one timer and stops it on close', async () => {
    const dash = setup({ sampleIntervalMs: 500, historySize: 4 });
    const pending = clock.pending();
    const start = clock.now();
    await connect('a');
    clock.advance(500);
    await connect('b');
    clock.advance(500);
    clock.advance(500);
    await connect('c');
    clock.advance(500);
    clock.advance(500);
    const chart = ok(await dash.getWidgetData('connections-chart'));
    // 6 samples taken (+0 ... +2.5 s), the newest 4 kept.
    expect(chart).toEqual({
      kind: 'timeseries',
      series: [
        {
          key: 'ws_connections',
          points: [
            [start + 1000, 2],
            [start + 1500, 2],
            [start + 2000, 3],
            [start + 2500, 3],
          ],
        },
      ],
    });
    dash.close();
    expect(clock.pending()).toBe(pending - 1);
    dash.close();
  });

  it('thins long charts to at most 300 points per series, keeping the newest sample', async () => {
    const dash = setup({ sampleIntervalMs: 100, historySize: 1000 });
    clock.advance(100 * 700); // 701 samples
    const chart = ok(await dash.getWidgetData('connections-chart'));
    if (chart.kind !== 'timeseries') throw new Error('not a chart');
    const points = chart.series[0]!.points;
    // stride ceil(701 / 300) = 3: samples 700, 697, ..., 1.
    expect(points).toHaveLength(234);
    expect(points.at(-1)![0]).toBe(clock.now());
    expect(points[0]![0]).toBe(clock.now() - 699 * 100);
    expect(points[1]![0] - points[0]![0]).toBe(300);
  });

  it('limits a chart to its range and refuses unknown ids', async () => {
    const dash = setup({
      sampleIntervalMs: 1000,
      config: {
        version: 1,
        dashboards: [
          {
            id: 'd',
            title: 'D',
            widgets: [
              {
                id: 'c',
                title: 'C',
                kind: 'timeseries',
                rangeMs: 2000,
                source: { type: 'metric', metric: 'ws_users' },
              },
            ],
          },
        ],
      },
    });
    clock.advance(5000);
    const chart = ok(await dash.getWidgetData('c'));
    expect(
      chart.kind === 'timeseries' && chart.series[0]?.points.map((p) => p[0] - clock.now()),
    ).toEqual([-2000, -1000, 0]);
    await expect(dash.getDashboardData('nope')).rejects.toMatchObject({
      code: 'not_found',
      message: 'no dashboard "nope"',
    });
    await expect(dash.getWidgetData('nope')).rejects.toMatchObject({
      code: 'not_found',
      message: 'no widget "nope"',
    });
  });

  it('stops sampling when the manager closes', async () => {
    setup();
    const before = clock.pending();
    expect(before).toBeGreaterThan(0);
    await manager.close();
    expect(clock.pending()).toBe(0);
  });
});
