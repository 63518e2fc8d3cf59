/**
 * A network that keeps failing, for 20 s: each client reaches the server through its own TCP
 * proxy that, every 3 s, resets every connection and refuses new ones for 2 s, while the server
 * publishes 50 messages a second to the thread the clients are in. The client over `ws` (whose
 * unheard `'error'` would take the process down), over undici, and the built bundle in Debian's
 * Chromium: the process stays up and every message arrives, in order, exactly once.
 */
import { threadId } from '@ws/core';
import { launchChromium, waitFor } from '@ws/testkit';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocket as UndiciWebSocket } from 'undici';
import { describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { useBuiltBundle } from '../test/bundle.js';
import { startCutProxy } from '../test/cutProxy.js';
import type { CutProxy } from '../test/cutProxy.js';
import { startServer } from '../test/server.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { WebSocketConstructor } from './socket.js';

const RUN_MS = 20_000;
const PUBLISH_EVERY_MS = 20; // 50 messages per second
const CUT = { periodMs: 3_000, downMs: 2_000, maxLifetimeMs: RUN_MS + 40_000 };
const BACKOFF = { minMs: 50, maxMs: 500 };

const bundleDir = useBuiltBundle();

const page = `<!doctype html>
<meta charset="utf-8">
<script type="module">
  import { createClient } from './client/index.js';
  window.got = [];
  window.reconnects = 0;
  window.start = (url, backoff) => {
    const client = createClient({ url, token: 'good-browser', backoff });
    client.on('reconnecting', () => window.reconnects++);
    client.subscribe('room', (m) => window.got.push(m.data));
    window.client = client;
  };
</script>`;

/** Serves the page and the built bundle under /client/. */
async function webServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    const file = path.join(bundleDir(), path.basename(url.pathname));
    if (!url.pathname.startsWith('/client/') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Window {
  got: number[];
  reconnects: number;
  start(url: string, backoff: typeof BACKOFF): void;
}

describe('a network that cuts every connection every 3 s for 2 s, for 20 s', () => {
  it('over ws, undici and Chromium: the process stays up and 100 % of 50 msg/s arrive', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => {
      uncaught.push(err);
    };
    process.on('uncaughtException', onUncaught);
    const web = await webServer();
    const s = await startServer({ attach: { allowedOrigins: [web.origin] } });
    const proxies: CutProxy[] = [];
    const clients: Client[] = [];
    const browser = await launchChromium();
    try {
      const node: [string, WebSocketConstructor][] = [
        ['ws', WsWebSocket],
        ['undici', UndiciWebSocket],
      ];
      const got = new Map<string, unknown[]>();
      const reconnects = new Map<string, number>();
      for (const [name, WebSocket] of node) {
        const proxy = await startCutProxy(s.port, CUT);
        proxies.push(proxy);
        const c = createClient({
          url: proxy.url,
          token: `good-${name}`,
          WebSocket,
          backoff: BACKOFF,
        });
        clients.push(c);
        const mine: unknown[] = [];
        got.set(name, mine);
        reconnects.set(name, 0);
        c.on('reconnecting', () => reconnects.set(name, (reconnects.get(name) ?? 0) + 1));
        await c.subscribe('room', (m) => mine.push(m.data)).joined;
      }
      const browserProxy = await startCutProxy(s.port, CUT);
      proxies.push(browserProxy);
      const tab = await browser.newPage();
      await tab.goto(`${web.origin}/`);
      await tab.waitForFunction(() => typeof (window as unknown as Window).start === 'function');
      await tab.evaluate(([url, backoff]) => (window as unknown as Window).start(url, backoff), [
        browserProxy.url,
        BACKOFF,
      ] as const);
      const joined = (): boolean => {
        const all = [...s.ctx.connections()];
        return all.length === 3 && all.every((c) => c.threads.has(threadId('room')));
      };
      await waitFor(joined, { timeoutMs: 20_000, message: 'three clients in the thread' });

      let published = 0;
      const publisher = setInterval(() => {
        void s.manager.sendToThread(threadId('room'), published++);
      }, PUBLISH_EVERY_MS);
      await new Promise((resolve) => setTimeout(resolve, RUN_MS));
      clearInterval(publisher);
      for (const p of proxies) p.stop();
      const total = published;
      const expected = Array.from({ length: total }, (_v, i) => i);
      const inBrowser = async (): Promise<Window['got']> =>
        tab.evaluate(() => (window as unknown as Window).got);
      await waitFor(
        async () =>
          [...got.values()].every((g) => g.length >= total) && (await inBrowser()).length >= total,
        { timeoutMs: 20_000, message: 'every message at every client' },
      );
      for (const [name, g] of got) expect(g, name).toEqual(expected);
      expect(await inBrowser()).toEqual(expected);
      // The network really failed, many times, for each of them.
      for (const p of proxies) expect(p.cuts).toBeGreaterThanOrEqual(5);
      for (const [name, n] of reconnects) expect(n, name).toBeGreaterThanOrEqual(3);
      expect(
        await tab.evaluate(() => (window as unknown as Window).reconnects),
      ).toBeGreaterThanOrEqual(3);
      expect(total).toBeGreaterThan(200);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const c of clients) c.close();
      await browser.close();
      for (const p of proxies) await p.close();
      await s.close();
      await new Promise<void>((resolve) => web.server.close(() => resolve()));
    }
  }, 90_000);
});
