import { isWsError } from '@ws/core';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from './validateConfig.js';
import { checkConfig, validateConfig } from './validateConfig.js';
import { defaultDashboardConfig } from './defaultConfig.js';

function issuesOf(value: unknown): { path: string; message: string }[] {
  const result = checkConfig(value);
  if (result.ok) throw new Error('expected the config to be refused');
  return [...result.issues];
}

const widget = (extra: Record<string, unknown> = {}) => ({
  id: 'w1',
  title: 'Connections',
  kind: 'number',
  source: { type: 'metric', metric: 'ws_connections' },
  ...extra,
});
const config = (widgets: unknown[], extra: Record<string, unknown> = {}) => ({
  version: 1,
  dashboards: [{ id: 'main', title: 'Main', widgets }],
  ...extra,
});

describe('validateConfig', () => {
  it('accepts the built-in default and returns it unchanged in canonical form', () => {
    const checked = validateConfig(defaultDashboardConfig);
    expect(checked).toEqual(defaultDashboardConfig);
    expect(checked).not.toBe(defaultDashboardConfig);
    expect(checked.dashboards.map((d) => d.id)).toEqual(['overview', 'connections']);
  });

  it('writes keys in a fixed order, whatever order they came in', () => {
    const shuffled = {
      dashboards: [
        {
          widgets: [
            { source: { metric: 'ws_users', type: 'metric' }, kind: 'number', title: 'U', id: 'u' },
          ],
          title: 'T',
          id: 'd',
        },
      ],
      version: 1,
    };
    expect(JSON.stringify(validateConfig(shuffled))).toBe(
      '{"version":1,"dashboards":[{"id":"d","title":"T","widgets":[{"id":"u","title":"U","kind":"number","source":{"type":"metric","metric":"ws_users"}}]}]}',
    );
  });

  it('accepts every source type with every option', () => {
    const all = config([
      widget({
        id: 'a',
        source: { type: 'metric', metric: 'ws_messages_dropped_total', labels: { cause: 'slow' } },
      }),
      widget({
        id: 'b',
        kind: 'timeseries',
        rangeMs: 60_000,
        unit: 'per_second',
        source: { type: 'rate', metric: 'ws_messages_sent_total', windowMs: 5000, by: 'x' },
      }),
      widget({
        id: 'c',
        kind: 'bar',
        source: { type: 'sumBy', metric: 'ws_errors_sent_total', by: 'code' },
      }),
      widget({
        id: 'd',
        kind: 'timeseries',
        unit: 'seconds',
        source: {
          type: 'quantile',
          metric: 'ws_heartbeat_rtt_seconds',
          quantiles: [0.5, 0.99],
          windowMs: 60_000,
        },
      }),
      widget({ id: 'e', kind: 'table', source: { type: 'instances' } }),
      widget({ id: 'f', kind: 'table', source: { type: 'connections', limit: 10 } }),
      widget({
        id: 'g',
        kind: 'timeseries',
        source: {
          type: 'multi',
          series: [
            {
              label: 'in',
              source: { type: 'rate', metric: 'ws_messages_received_total', windowMs: 10_000 },
            },
          ],
        },
      }),
    ]);
    expect(validateConfig(all)).toEqual(all);
  });

  it('reports each problem with its path', () => {
    const issues = issuesOf({
      version: 1,
      extra: true,
      dashboards: [
        {
          id: 'bad id!',
          title: '',
          widgets: [
            widget({ kind: 'pie' }),
            widget({ id: 'w1', source: { type: 'rate', metric: '9bad', windowMs: 10 } }),
            widget({ id: 'w3', kind: 'number', source: { type: 'instances' } }),
            widget({
              id: 'w4',
              source: {
                type: 'quantile',
                metric: 'ws_heartbeat_rtt_seconds',
                quantiles: [0.5, 1.5],
              },
            }),
            widget({
              id: 'w5',
              rangeMs: 60_000,
              unit: 'furlongs',
              source: { type: 'metric', metric: 'ws_users', labels: { code: 5 } },
            }),
            widget({
              id: 'w6',
              kind: 'bar',
              source: { type: 'multi', series: [{ label: 'x', source: { type: 'instances' } }] },
            }),
          ],
        },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'extra',
      'dashboards[0].id',
      'dashboards[0].title',
      'dashboards[0].widgets[0].kind',
      'dashboards[0].widgets[1].id',
      'dashboards[0].widgets[1].source.metric',
      'dashboards[0].widgets[1].source.windowMs',
      'dashboards[0].widgets[2].source.type',
      'dashboards[0].widgets[3].source.quantiles[1]',
      'dashboards[0].widgets[4].source.labels.code',
      'dashboards[0].widgets[4].unit',
      'dashboards[0].widgets[4].rangeMs',
      'dashboards[0].widgets[5].source.series[0].source.type',
    ]);
    expect(issues[4]?.message).toBe(
      'duplicate widget id "w1" (widget ids are unique across dashboards)',
    );
    expect(issues[7]?.message).toBe('"instances" can only be shown as a table');
  });

  it('refuses duplicate dashboard ids, widget ids across dashboards, and a default that names nothing', () => {
    const issues = issuesOf({
      version: 1,
      defaultDashboard: 'nope',
      dashboards: [
        { id: 'a', title: 'A', widgets: [widget()] },
        { id: 'a', title: 'A again', widgets: [widget()] },
      ],
    });
    expect(issues).toEqual([
      {
        path: 'dashboards[1].widgets[0].id',
        message: 'duplicate widget id "w1" (widget ids are unique across dashboards)',
      },
      { path: 'dashboards[1].id', message: 'duplicate dashboard id "a"' },
      { path: 'defaultDashboard', message: 'names no dashboard ("nope")' },
    ]);
  });

  it('refuses non-objects, missing parts and an empty dashboard list', () => {
    expect(issuesOf(null)).toEqual([
      { path: '$', message: 'must be an object { version, dashboards }' },
    ]);
    expect(issuesOf([])).toEqual([
      { path: '$', message: 'must be an object { version, dashboards }' },
    ]);
    expect(issuesOf({ version: 1, dashboards: [] }).map((i) => i.path)).toEqual(['dashboards']);
    expect(issuesOf({ dashboards: [{ id: 'a', title: 'A' }] }).map((i) => i.path)).toEqual([
      'version',
      'dashboards[0].widgets',
    ]);
    expect(
      issuesOf({
        version: 1.5,
        dashboards: [{ id: 'a', title: 'A', widgets: [{ id: 'x', title: 'X', kind: 'number' }] }],
      }).map((i) => i.path),
    ).toEqual(['version', 'dashboards[0].widgets[0].source']);
  });

  it('throws invalid_config listing every path, and unsupported_version for a newer config', () => {
    let caught: unknown;
    try {
      validateConfig(config([widget({ kind: 'pie' }), widget({ id: 'w2', title: 7 })]));
    } catch (err) {
      caught = err;
    }
    expect(isWsError(caught)).toBe(true);
    const err = caught as ConfigError;
    expect(err.code).toBe('invalid_config');
    expect(err.message).toBe(
      'invalid dashboard config (2 problems): dashboards[0].widgets[0].kind: must be one of number, timeseries, table, bar; dashboards[0].widgets[1].title: must be a string of 1-200 characters',
    );
    expect(err.issues).toHaveLength(2);

    expect(() => validateConfig({ version: 2, dashboards: 'whatever' })).toThrowError(
      expect.objectContaining({
        code: 'unsupported_version',
        message:
          'dashboard config version 2 is newer than this @ws/dashboard supports (1); upgrade @ws/dashboard to load it',
      }),
    );
  });
});
