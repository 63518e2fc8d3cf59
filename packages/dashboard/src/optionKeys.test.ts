import type { Manager } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { optionRefusal as refusal } from '@ws/testkit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard, dashboard } from './dashboard.js';
import { dashboardHandler } from './handler.js';
import * as entry from './index.js';
import * as promEntry from './promClient/index.js';
import { collectInto } from './promClient/collectInto.js';

const TOKEN = 'test-admin-token-0123456789';
const managers: Manager[] = [];

function manager(): Manager {
  const m = createManager({ logger: silentLogger() });
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

/** The functions an entry exports. */
function functionsOf(module: object): string[] {
  return Object.entries(module)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

describe('dashboard factories refuse unknown option keys', () => {
  it('every exported function is listed here (a new factory must get a case below)', () => {
    const takesOptions = ['createDashboard', 'dashboard', 'dashboardHandler'];
    // Config and exposition helpers: they take data (checked by the config validation), no options.
    const takesNoOptions = [
      'checkConfig',
      'configError',
      'escapeLabelValue',
      'renderPrometheus',
      'validateConfig',
    ];
    expect(functionsOf(entry)).toEqual([...takesOptions, ...takesNoOptions].sort());
    expect(functionsOf(promEntry)).toEqual(['collectInto']);
  });

  it('dashboard and createDashboard name the key and the nearest known one', () => {
    const plugin = refusal(() => dashboard({ sampleIntervalMS: 500 } as never));
    expect(plugin).toContain('`sampleIntervalMS` in dashboard options;');
    expect(plugin).toContain('did you mean `sampleIntervalMs`?');
    const m = manager();
    const created = refusal(() => createDashboard(m, { historySise: 10 } as never));
    expect(created).toContain('`historySise` in createDashboard options;');
    expect(created).toContain('did you mean `historySize`?');
  });

  it('dashboardHandler checks auth too, before it registers anything', () => {
    const m = manager();
    const top = refusal(() =>
      dashboardHandler(m, { auth: { token: TOKEN }, metricPath: null } as never),
    );
    expect(top).toContain('`metricPath` in dashboardHandler options;');
    expect(top).toContain('did you mean `metricsPath`?');
    const nested = refusal(() => dashboardHandler(m, { auth: { tokn: TOKEN } } as never));
    expect(nested).toContain('`tokn` in dashboardHandler options.auth;');
    expect(nested).toContain('did you mean `token`?');
    expect(m.metrics.has('ws_dashboard_streams')).toBe(false);
  });

  it('updateDashboardConfig refuses a misspelt option', () => {
    const dash = createDashboard(manager());
    const msg = refusal(() => dash.updateDashboardConfig({}, { expectedRevison: 1 } as never));
    expect(msg).toContain('did you mean `expectedRevision`?');
    expect(dash.revision).toBe(1);
  });

  it('collectInto refuses a misspelt option and registers nothing', () => {
    const registry = new Registry();
    const msg = refusal(() => collectInto(registry, manager(), { includes: () => true } as never));
    expect(msg).toContain('`includes` in collectInto options;');
    expect(msg).toContain('did you mean `include`?');
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });

  it('the valid options still work', () => {
    const m = manager();
    const handler = dashboardHandler(m, {
      auth: { token: TOKEN },
      sampleIntervalMs: 500,
      historySize: 20,
      path: '/ops',
      metricsPath: null,
      title: 'test',
    });
    expect(handler.dashboard.sampleIntervalMs).toBe(500);
    expect(refusal(() => createDashboard(manager(), { historySize: 10 }))).toBe('accepted');
    expect(refusal(() => dashboard())).toBe('accepted');
    const dash = handler.dashboard;
    expect(refusal(() => dash.updateDashboardConfig({}, { expectedRevision: 1 }))).toBe('accepted');
    const registry = new Registry();
    const collection = collectInto(registry, m, { include: (name) => name.startsWith('ws_') });
    expect(collection.metrics.length).toBeGreaterThan(0);
    handler.close();
  });
});
