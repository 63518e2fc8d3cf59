/**
 * The built bundle in Debian's Chromium (playwright-core) on the HTTP transport, cross-origin
 * (the page's origin is another port: CORS preflights on every POST): over two instances behind
 * a reverse proxy that sends every HTTP request to the next instance (no stickiness), and
 * through a drain that moves it to the peer.
 */
import { WebSocket } from 'undici';
import { describe, expect, it } from 'vitest';
import { sleep, startTestProxy, waitFor } from '@ws/testkit';
import { memoryBackend } from '../test/backends.js';
import { publishThroughDrain } from '../test/drainRun.js';
import type { Page } from '../test/browserPage.js';
import { useBrowserPages } from '../test/browserPage.js';
import { startServer } from '../test/server.js';
import type { RealServer, RealServerOptions } from '../test/server.js';
import { createClient } from './client.js';
import type { ClientMessage } from './events.js';

const html = `<!doctype html>
<meta charset="utf-8">
<title>@ws/client over HTTP in chromium</title>
<script type="module">
  import { createClient } from './client/index.js';
  window.got = [];
  window.opens = [];
  window.start = async (url) => {
    window.client = createClient({ url, token: 'good-page', transports: ['http'] });
    window.client.on('open', (o) => window.opens.push([o.transport, o.resumed, o.instanceId]));
    window.client.on('message', (m) => window.got.push([m.from, m.data]));
    await window.client.join('room');
  };
  window.publishAll = (n) =>
    Promise.all(Array.from({ length: n }, (_, i) => window.client.publish('room', i + 1)));
</script>`;

const pages = useBrowserPages(html);

type PageWindow = {
  start(url: string): Promise<void>;
  publishAll(n: number): Promise<unknown>;
  got: [string, unknown][];
  opens: [string, boolean, string][];
};

async function openPage(url: string): Promise<Page> {
  const page = await pages.newPage('start');
  await page.evaluate((u: string) => (window as unknown as PageWindow).start(u), url);
  return page;
}

const got = (page: Page): Promise<[string, unknown][]> =>
  page.evaluate(() => (window as unknown as PageWindow).got);

/** A test server sharing `cluster`, its HTTP transport open to the page's origin. */
async function instance(
  cluster: Awaited<ReturnType<typeof memoryBackend>>,
  more: RealServerOptions = {},
): Promise<RealServer> {
  const s = await startServer({
    cluster: (url) => cluster.adapter(url),
    http: { allowedOrigins: [pages.origin()] },
    manager: { inboundRate: { perSecond: 1000, burst: 1000 } },
    ...more,
  });
  pages.cleanup(() => s.close());
  return s;
}

describe('the bundle in Chromium on the HTTP transport', () => {
  it('two instances behind a round-robin proxy: 200 messages each way, 0 lost, 0 reordered, POSTs on both', async () => {
    const cluster = await memoryBackend();
    const a = await instance(cluster);
    const b = await instance(cluster);
    const proxy = await startTestProxy({ targets: [a.port, b.port] });
    pages.cleanup(() => proxy.close());
    const page = await openPage(`ws://127.0.0.1:${proxy.port}/ws`);
    const node = createClient({ url: a.url, token: 'good-node', WebSocket });
    pages.cleanup(() => node.close());
    const toNode: ClientMessage[] = [];
    node.subscribe('room', (m) => toNode.push(m));
    await node.join('room');
    const N = 200;
    await page.evaluate((n: number) => (window as unknown as PageWindow).publishAll(n), N);
    await Promise.all(Array.from({ length: N }, (_v, i) => node.publish('room', -(i + 1))));
    await waitFor(async () => (await got(page)).length === 2 * N && toNode.length === 2 * N, {
      timeoutMs: 20_000,
      message: `all ${2 * N} messages on both sides`,
    });
    const mine = Array.from({ length: N }, (_v, i) => i + 1);
    const received = await got(page);
    expect(received.filter(([from]) => from === 'page').map(([, d]) => d)).toEqual(mine);
    expect(received.filter(([from]) => from === 'node').map(([, d]) => d)).toEqual(
      mine.map((n) => -n),
    );
    expect(toNode.filter((m) => m.from === 'page').map((m) => m.data)).toEqual(mine);
    expect(await page.evaluate(() => (window as unknown as PageWindow).opens)).toHaveLength(1);
    expect(proxy.forwarded.get(a.port)).toBeGreaterThan(2);
    expect(proxy.forwarded.get(b.port)).toBeGreaterThan(2);
    const remote = (s: RealServer): number =>
      (s.manager.metrics.read('ws_receive_total')?.samples ?? [])
        .filter((x) => x.labels?.['where'] === 'remote')
        .reduce((n, x) => n + ('value' in x ? x.value : 0), 0);
    expect(remote(a) + remote(b)).toBeGreaterThan(0);
  }, 60_000);

  it('a drain: the page follows the hint to the peer (cross-origin) and resumes with 0 lost', async () => {
    const cluster = await memoryBackend();
    const drain = { drain: { spreadMs: 200, ratePerSecond: 500, timeoutMs: 10_000 } };
    const a = await instance(cluster, { manager: drain });
    const b = await instance(cluster, { manager: drain });
    for (let i = 0; i < 100 && (await a.manager.getClusterStats()).instances.length < 2; i++)
      await sleep(50);
    const page = await openPage(a.url);
    const N = 120;
    await publishThroughDrain(a, b, 'room', N);
    await waitFor(async () => (await got(page)).length >= N, {
      timeoutMs: 15_000,
      message: `all ${N} messages`,
    });
    await sleep(100);
    expect((await got(page)).map(([, d]) => d)).toEqual(
      Array.from({ length: N }, (_v, i) => i + 1),
    );
    expect(await page.evaluate(() => (window as unknown as PageWindow).opens)).toEqual([
      ['http', false, a.manager.instanceId],
      ['http', true, b.manager.instanceId],
    ]);
  }, 60_000);
});
