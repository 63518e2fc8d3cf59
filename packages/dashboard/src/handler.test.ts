import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Manager } from '@ws/core';
import { createManager, localCluster, silentLogger, userId } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { parsePrometheus, waitFor } from '@ws/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DashboardHandler } from './handler.js';
import { dashboardHandler } from './handler.js';
import type { DashboardHandlerOptions } from './handlerOptions.js';
import type { DashboardData } from './widgetData.js';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

let manager: Manager;
let server: Server;
let handler: DashboardHandler;
let base: string;

async function start(
  options: Partial<DashboardHandlerOptions> = {},
  managerOptions: Parameters<typeof createManager>[0] = {},
): Promise<void> {
  manager = createManager({ logger: silentLogger(), instanceId: 'web-1', ...managerOptions });
  handler = dashboardHandler(manager, {
    auth: { token: TOKEN },
    updateIntervalMs: 100,
    ...options,
  });
  server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('app 404');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  handler.close();
  await manager.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Reads server-sent events from a response until `count` `data` events arrived (bounded by time). */
async function readEvents(
  res: Response,
  count: number,
  timeoutMs = 10_000,
): Promise<{ event: string; data: string }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (events.filter((e) => e.event === 'data').length < count) {
      if (Date.now() > deadline)
        throw new Error(`only ${events.length} events within ${timeoutMs} ms`);
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let sep: number;
      while ((sep = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data });
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

describe('dashboardHandler: authentication', () => {
  it('answers 401 on every route without the token, and with a wrong one', async () => {
    await start();
    for (const path of [
      '/dashboard',
      '/dashboard/',
      '/dashboard/events',
      '/dashboard/api/config',
      '/dashboard/api/dashboards/overview',
      '/dashboard/api/widgets/connections',
      '/metrics',
    ]) {
      const res = await fetch(base + path);
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="ws-dashboard"');
      const wrong = await fetch(base + path, {
        headers: { authorization: 'Bearer wrong-token-0123456789xx' },
      });
      expect([path, wrong.status]).toEqual([path, 401]);
      await res.arrayBuffer();
      await wrong.arrayBuffer();
    }
    const page = await fetch(`${base}/dashboard?token=wrong`);
    expect(page.status).toBe(401);
    const text = await page.text();
    expect(text).toContain('An admin token is required');
    expect(text).not.toContain('wrong');
    expect(manager.metrics.read('ws_dashboard_unauthorized_total')).toMatchObject({
      samples: [{ labels: {}, value: 15 }],
    });
  });

  it('answers 200 with the bearer token on the page, the JSON API and /metrics', async () => {
    await start();
    const page = await fetch(`${base}/dashboard`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]{24}'; style-src 'nonce-/,
    );
    const html = await page.text();
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/i); // nothing loaded from elsewhere
    expect(html).toContain('<h1 id="title">Overview</h1>');

    const data = (await (
      await fetch(`${base}/dashboard/api/dashboards/overview`, { headers: auth })
    ).json()) as DashboardData;
    expect(data.id).toBe('overview');
    expect(data.widgets.find((w) => w.id === 'connections')).toMatchObject({
      status: 'ok',
      data: { kind: 'number', value: 0 },
    });
    const list = await (await fetch(`${base}/dashboard/api/dashboards`, { headers: auth })).json();
    expect(list).toEqual({
      revision: 1,
      defaultDashboard: 'overview',
      dashboards: [
        { id: 'overview', title: 'Overview' },
        { id: 'connections', title: 'Connections' },
      ],
    });
    const widget = await fetch(`${base}/dashboard/api/widgets/rtt-chart`, { headers: auth });
    expect(await widget.json()).toMatchObject({
      status: 'not_installed',
      missing: ['ws_heartbeat_rtt_seconds'],
    });
    const missing = await fetch(`${base}/dashboard/api/widgets/nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'no widget "nope"' },
    });

    const metrics = await fetch(`${base}/metrics`, { headers: auth });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await metrics.text()).length).toBeGreaterThan(0);
  });

  it('exchanges ?token= for an HttpOnly cookie, drops it from the URL, and accepts the cookie', async () => {
    await start();
    const res = await fetch(`${base}/dashboard?dashboard=connections&token=${TOKEN}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?dashboard=connections');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^ws_dashboard=[A-Za-z0-9_-]{43}; Path=\/dashboard; HttpOnly; SameSite=Lax; Max-Age=43200$/,
    );
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0] as string;

    const page = await fetch(`${base}/dashboard?dashboard=connections`, {
      headers: { cookie: pair },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1 id="title">Connections</h1>');
    const api = await fetch(`${base}/dashboard/api/config`, { headers: { cookie: pair } });
    expect(api.status).toBe(200);
    // The cookie is not the token: /metrics (outside the cookie's path, for scrapers) wants the header.
    expect((await fetch(`${base}/metrics`, { headers: { cookie: pair } })).status).toBe(401);
    expect(
      (await fetch(`${base}/dashboard`, { headers: { cookie: 'ws_dashboard=forged' } })).status,
    ).toBe(401);
  });

  it('can serve /metrics without the token, on another path, or not at all', async () => {
    await start({ metricsRequireToken: false, metricsPath: '/internal/metrics' });
    expect((await fetch(`${base}/internal/metrics`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('app 404');
    handler.close();
    const other = dashboardHandler(manager, {
      auth: { token: TOKEN },
      metricsPath: null,
      path: '/admin/',
    });
    const next = vi.fn();
    const res = { writeHead: vi.fn(), end: vi.fn() };
    expect(other({ url: '/metrics', headers: {} } as never, res as never, next)).toBe(false);
    expect(next).toHaveBeenCalledTimes(1);
    expect(res.writeHead).not.toHaveBeenCalled();
    other.close();
  });

  it('refuses unsafe options', async () => {
    manager = createManager({ logger: silentLogger() });
    handler = dashboardHandler(manager, { auth: { token: TOKEN } });
    server = createServer();
    expect(() => dashboardHandler(manager, { auth: { token: 'short' } })).toThrowError(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => dashboardHandler(manager, { auth: { token: TOKEN }, path: '/' })).toThrowError(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() =>
      dashboardHandler(manager, { auth: { token: TOKEN }, path: 'x"><script>' }),
    ).toThrowError(expect.objectContaining({ code: 'invalid_options' }));
  });
});

describe('dashboardHandler: routes', () => {
  it('leaves other paths to the application (next() / false)', async () => {
    await start();
    expect(await (await fetch(`${base}/`)).text()).toBe('app 404');
    expect(await (await fetch(`${base}/dashboardx`)).text()).toBe('app 404');
    const unknown = await fetch(`${base}/dashboard/nope`, { headers: auth });
    expect(unknown.status).toBe(404);
    const post = await fetch(`${base}/dashboard`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('serves /metrics as a Prometheus exposition every line of which parses', async () => {
    await start();
    const pair = createMemorySocketPair();
    await manager.connectUser(userId('alice'), pair.server);
    manager.metrics
      .counter('app_odd_total', { help: 'Odd "labels".', labelNames: ['v'] })
      .inc(2, { v: 'a"b\\c\nd' });
    manager.metrics
      .histogram('ws_heartbeat_rtt_seconds', { help: 'Heartbeat RTT.' })
      .observe(0.004);
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    const families = parsePrometheus(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('ws_connections')?.samples[0]?.value).toBe(1);
    expect(byName.get('ws_connections_opened_total')).toMatchObject({
      type: 'counter',
      samples: [{ value: 1 }],
    });
    expect(byName.get('app_odd_total')?.samples[0]?.labels).toEqual({ v: 'a"b\\c\nd' });
    expect(byName.get('ws_heartbeat_rtt_seconds')?.type).toBe('histogram');
    expect(byName.get('ws_dashboard_streams')).toMatchObject({ type: 'gauge' });
  });

  it('updates and imports the config over the API with the bearer header only, refusing bad ones with paths', async () => {
    await start();
    const patch = {
      dashboards: {
        ops: {
          title: 'Ops',
          widgets: [
            {
              id: 'ops-users',
              title: 'Users',
              kind: 'number',
              source: { type: 'metric', metric: 'ws_users' },
            },
          ],
        },
      },
    };
    const cookie = (await fetch(`${base}/dashboard?token=${TOKEN}`, { redirect: 'manual' })).headers
      .get('set-cookie')!
      .split(';')[0] as string;
    const viaCookie = await fetch(`${base}/dashboard/api/config`, {
      method: 'PATCH',
      headers: { cookie },
      body: JSON.stringify(patch),
    });
    expect(viaCookie.status).toBe(403);

    const ok = await fetch(`${base}/dashboard/api/config`, {
      method: 'PATCH',
      headers: { ...auth, 'if-match': '1' },
      body: JSON.stringify(patch),
    });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as {
      revision: number;
      config: { dashboards: { id: string }[] };
    };
    expect(body.revision).toBe(2);
    expect(body.config.dashboards.map((d) => d.id)).toEqual(['overview', 'connections', 'ops']);

    const stale = await fetch(`${base}/dashboard/api/config`, {
      method: 'PATCH',
      headers: { ...auth, 'if-match': '1' },
      body: JSON.stringify(patch),
    });
    expect(stale.status).toBe(409);

    const bad = await fetch(`${base}/dashboard/api/config`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({
        dashboards: {
          ops: {
            title: 'Ops',
            widgets: [
              { id: 'ops-users', title: 'Users', kind: 'number', source: { type: 'instances' } },
            ],
          },
        },
      }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: 'invalid_config',
        issues: [
          {
            path: 'dashboards.ops.widgets[0].source.type',
            message: '"instances" can only be shown as a table',
          },
        ],
      },
    });
    expect(
      (await fetch(`${base}/dashboard/api/config`, { method: 'PATCH', headers: auth, body: '{' }))
        .status,
    ).toBe(400);

    const exported = await fetch(`${base}/dashboard/api/config`, { headers: auth });
    expect(exported.headers.get('x-config-revision')).toBe('2');
    const text = await exported.text();
    expect(text).toBe(handler.dashboard.exportConfig());

    const newer = await fetch(`${base}/dashboard/api/config`, {
      method: 'PUT',
      headers: auth,
      body: text.replace('"version": 1', '"version": 7'),
    });
    expect(newer.status).toBe(400);
    expect(await newer.json()).toMatchObject({ error: { code: 'unsupported_version' } });
    const reimport = await fetch(`${base}/dashboard/api/config`, {
      method: 'PUT',
      headers: auth,
      body: text,
    });
    expect(reimport.status).toBe(200);
    expect(handler.dashboard.exportConfig()).toBe(text);
    expect(handler.dashboard.revision).toBe(3);

    const tooBig = await fetch(`${base}/dashboard/api/config`, {
      method: 'PUT',
      headers: auth,
      body: 'x'.repeat(1_100_000),
    });
    expect(tooBig.status).toBe(413);
  });

  it('streams data over server-sent events at the configured rate and ends streams on close', async () => {
    await start({ updateIntervalMs: 100 });
    const res = await fetch(`${base}/dashboard/events?dashboard=overview`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = readEvents(res, 3);
    const pair = createMemorySocketPair();
    await manager.connectUser(userId('alice'), pair.server);
    const events = await first;
    const values = events.map((e) =>
      (JSON.parse(e.data) as DashboardData).widgets.find((w) => w.id === 'connections'),
    );
    expect(values.every((v) => v?.status === 'ok')).toBe(true);
    expect((values.at(-1) as { data: { value: number } }).data.value).toBe(1);

    const second = await fetch(`${base}/dashboard/events`, { headers: auth });
    expect((await readEvents(second, 1)).map((e) => e.event)).toEqual(['data']);
    await waitFor(() => handler.streams === 0, { timeoutMs: 10_000, intervalMs: 20 });
    expect(manager.metrics.read('ws_dashboard_streams')).toMatchObject({ samples: [{ value: 0 }] });
    const third = await fetch(`${base}/dashboard/events`, { headers: auth });
    expect(handler.streams).toBe(1);
    handler.close();
    expect(handler.streams).toBe(0);
    expect(await third.text()).toMatch(/^retry: 1000\n\nevent: data\ndata: \{/);
  });

  it('refuses streams past maxStreams with 503', async () => {
    await start({ maxStreams: 1 });
    const one = await fetch(`${base}/dashboard/events`, { headers: auth });
    expect(one.status).toBe(200);
    const two = await fetch(`${base}/dashboard/events`, { headers: auth });
    expect(two.status).toBe(503);
    expect(two.headers.get('retry-after')).toBe('10');
    await one.body?.cancel();
  });

  it('escapes everything it renders: titles, user ids, label values and instance URLs', async () => {
    const evil = '<script>window.__pwned=1</script>';
    await start(
      {
        config: {
          version: 1,
          dashboards: [
            {
              id: 'x',
              title: `Ops ${evil}`,
              widgets: [
                {
                  id: 'users',
                  title: evil,
                  kind: 'table',
                  source: { type: 'connections', limit: 10 },
                },
                {
                  id: 'labels',
                  title: 'Labels',
                  kind: 'bar',
                  source: { type: 'sumBy', metric: 'app_evil_total', by: 'v' },
                },
                { id: 'inst', title: 'Instances', kind: 'table', source: { type: 'instances' } },
              ],
            },
          ],
        },
      },
      { cluster: localCluster({ publicUrl: `wss://x/${evil}` }) },
    );
    await manager.connectUser(userId(evil), createMemorySocketPair().server);
    manager.metrics.counter('app_evil_total', { help: 'x', labelNames: ['v'] }).inc(1, { v: evil });
    const html = await (await fetch(`${base}/dashboard`, { headers: auth })).text();
    expect(html).not.toContain('__pwned=1</script>');
    expect(html).not.toContain('<script>window');
    expect(html).toContain('<h1 id="title">Ops &lt;script&gt;window.__pwned=1&lt;/script&gt;</h1>');
    expect(html).toContain('\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e');
    // The embedded data is intact once parsed (the page renders it with textContent only).
    const boot =
      /<script type="application\/json" id="ws-boot" nonce="[^"]+">(.*)<\/script>/.exec(
        html,
      )?.[1] ?? '';
    const parsed = JSON.parse(boot) as { data: DashboardData };
    expect(parsed.data.widgets[0]).toMatchObject({
      title: evil,
      data: { rows: [[evil, expect.any(String), '', 'wsm.v1.json', expect.any(String)]] },
    });
    expect(parsed.data.widgets[1]).toMatchObject({ data: { bars: [{ key: evil, value: 1 }] } });
    expect(parsed.data.widgets[2]).toMatchObject({
      data: { rows: [['web-1', `wss://x/${evil}`, 'running', 1, 1, expect.any(String), true]] },
    });
  });
});
