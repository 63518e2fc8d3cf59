import { parsePrometheus, waitFor } from '@ws/testkit';
import { Counter, Registry, register } from 'prom-client';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardHandler } from '../handler.js';
import { renderPrometheus } from '../prometheus.js';
import { collectInto } from './index.js';
import type { Fixture } from './testSupport.js';
import { scrape, startFixture } from './testSupport.js';

let f: Fixture;
beforeEach(async () => {
  f = await startFixture();
});
afterEach(async () => {
  await f.manager.close();
});

function sampleOf(
  families: ReturnType<typeof parsePrometheus>,
  name: string,
): { labels: Record<string, string>; value: number }[] | undefined {
  return families
    .find((fam) => fam.name === name)
    ?.samples.map((s) => ({ labels: s.labels, value: s.value }));
}

describe('collectInto: the scrape', () => {
  it("exposes every metric of the manager with core's names, help, types, labels and values, as /metrics does", async () => {
    await f.send();
    f.latency.observe(0.005, { route: '/a' });
    f.latency.observe(0.05, { route: '/a' });
    f.latency.observe(0.5, { route: '/b' });
    f.latency.observe(5, { route: '/b' });
    const registry = new Registry();
    const own = new Counter({
      name: 'app_requests_total',
      help: 'Requests.',
      registers: [registry],
    });
    own.inc(7);
    const collection = collectInto(registry, f.manager);

    const core = f.manager.metrics.snapshot();
    expect(collection.metrics).toEqual(core.map((m) => m.name));
    const { text, families } = await scrape(registry);
    // The application's own metric first, then the manager's, byte for byte as the dashboard's
    // own /metrics renderer writes them for the same manager.
    const ownText =
      '# HELP app_requests_total Requests.\n# TYPE app_requests_total counter\napp_requests_total 7\n';
    expect(text).toBe(ownText + renderPrometheus(f.manager.metrics.snapshot()));
    expect(families.slice(1)).toEqual(parsePrometheus(renderPrometheus(core)));
    expect(families.map((fam) => [fam.name, fam.type])).toEqual([
      ['app_requests_total', 'counter'],
      ...core.map((m) => [m.name, m.kind]),
    ]);

    // Exact values, from core's registry and from what the clients received.
    const received = f.clients.map((c) => c.framesOf('message').length);
    expect(received).toEqual([3, 2, 2]);
    expect(sampleOf(families, 'ws_connections')).toEqual([{ labels: {}, value: 3 }]);
    expect(sampleOf(families, 'ws_users')).toEqual([{ labels: {}, value: 2 }]);
    expect(sampleOf(families, 'ws_threads')).toEqual([{ labels: {}, value: 1 }]);
    expect(sampleOf(families, 'ws_connections_opened_total')).toEqual([{ labels: {}, value: 3 }]);
    const sent = f.manager.metrics.read('ws_messages_sent_total');
    // 3 welcome frames and 7 messages written, as the clients saw them.
    expect(f.clients.reduce((n, c) => n + c.received.length, 0)).toBe(10);
    expect(sent?.samples).toEqual([{ labels: {}, value: 10 }]);
    expect(sampleOf(families, 'ws_messages_sent_total')).toEqual([{ labels: {}, value: 10 }]);
    expect(sampleOf(families, 'app_events_total')).toEqual([
      { labels: { kind: 'a "quoted"\\ value\nx' }, value: 2 },
    ]);
    expect(families.find((fam) => fam.name === 'app_events_total')?.help).toBe(
      'Events\\\\by "kind".\\nSecond line.',
    );
  });

  it('writes histograms with their own buckets, cumulative, then _sum and _count per series', async () => {
    for (const v of [0.005, 0.05, 0.05]) f.latency.observe(v, { route: '/a' });
    for (const v of [0.5, 5]) f.latency.observe(v, { route: '/b' });
    const registry = new Registry();
    collectInto(registry, f.manager);
    const { families } = await scrape(registry);
    const latency = families.find((fam) => fam.name === 'app_latency_seconds');
    expect(latency?.type).toBe('histogram');
    expect(latency?.help).toBe('Handler latency.');
    expect(latency?.samples).toEqual([
      { name: 'app_latency_seconds_bucket', labels: { route: '/a', le: '0.01' }, value: 1 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/a', le: '0.1' }, value: 3 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/a', le: '1' }, value: 3 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/a', le: '+Inf' }, value: 3 },
      { name: 'app_latency_seconds_sum', labels: { route: '/a' }, value: 0.005 + 0.05 + 0.05 },
      { name: 'app_latency_seconds_count', labels: { route: '/a' }, value: 3 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/b', le: '0.01' }, value: 0 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/b', le: '0.1' }, value: 0 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/b', le: '1' }, value: 1 },
      { name: 'app_latency_seconds_bucket', labels: { route: '/b', le: '+Inf' }, value: 2 },
      { name: 'app_latency_seconds_sum', labels: { route: '/b' }, value: 5.5 },
      { name: 'app_latency_seconds_count', labels: { route: '/b' }, value: 2 },
    ]);
  });

  it('reads the manager at each scrape: later sends, connections and observations show', async () => {
    const registry = new Registry();
    collectInto(registry, f.manager);
    const before = await scrape(registry);
    expect(sampleOf(before.families, 'app_latency_seconds')).toEqual([]);
    await f.send();
    await f.send();
    f.latency.observe(0.2, { route: '/c' });
    f.clients[0]?.close(1000);
    await waitFor(() => f.manager.metrics.read('ws_connections_closed_total')?.samples.length, {
      message: 'the close to be counted',
    });
    const after = await scrape(registry);
    expect(after.text).toBe(renderPrometheus(f.manager.metrics.snapshot()));
    expect(sampleOf(after.families, 'ws_connections')).toEqual([{ labels: {}, value: 2 }]);
    expect(sampleOf(after.families, 'ws_connections_closed_total')?.map((s) => s.value)).toEqual([
      1,
    ]);
    expect(
      after.families.find((fam) => fam.name === 'app_latency_seconds')?.samples.at(-1),
    ).toEqual({ name: 'app_latency_seconds_count', labels: { route: '/c' }, value: 1 });
  });

  it("leaves prom-client's global default registry untouched", async () => {
    const names = register.getMetricsAsArray().map((m) => m.name);
    const text = await register.metrics();
    const registry = new Registry();
    const collection = collectInto(registry, f.manager);
    await f.send();
    await registry.metrics();
    expect(register.getMetricsAsArray().map((m) => m.name)).toEqual(names);
    expect(await register.metrics()).toBe(text);
    collection.remove();
    expect(register.getMetricsAsArray().map((m) => m.name)).toEqual(names);
  });

  it("serves on one plain http server the same samples as the dashboard's own /metrics", async () => {
    const handler = dashboardHandler(f.manager, { auth: { token: 'a-long-enough-admin-token' } });
    const registry = new Registry();
    collectInto(registry, f.manager);
    await f.send();
    const server = createServer((req, res) => {
      if (req.url === '/prom-metrics') {
        registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
          () => res.writeHead(500).end(),
        );
      } else if (!handler(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const headers = { authorization: 'Bearer a-long-enough-admin-token' };
      const ours = await fetch(`${base}/prom-metrics`);
      expect(ours.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const theirs = await fetch(`${base}/metrics`, { headers });
      expect(theirs.status).toBe(200);
      const scraped = await scrape({ metrics: () => ours.text() });
      const served = parsePrometheus(await theirs.text());
      expect(scraped.families).toEqual(served);
      expect(served.map((fam) => fam.name)).toContain('ws_dashboard_streams');
    } finally {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
