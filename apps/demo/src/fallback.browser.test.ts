/**
 * The chat page in Chromium (playwright-core) when WebSocket is blocked: served through a test
 * reverse proxy that refuses every `Upgrade` with 400, and through one that accepts it and never
 * answers. The chat connects over the HTTP transport, says so, sends and receives, and a user
 * on WebSocket (the demo directly) sees its messages.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestProxy, UpgradePolicy } from '@ws/testkit';
import { launchChromium, startTestProxy } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, newPage, open, send, signIn } from '../test/browser.js';
import { loadConfig } from './config.js';
import { startDemo } from './demo.js';
import type { DemoServer } from './demo.js';

let demo: DemoServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const proxies: TestProxy[] = [];

beforeAll(async () => {
  demo = await startDemo(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SECRET: 'fallback-test-secret',
      ADMIN_TOKEN: 'fallback-test-admin-token',
    }),
  );
  browser = await launchChromium({ timeout: 60_000 });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  for (const p of proxies) await p.close();
  await demo?.close({ drain: false });
});

const page = (): Promise<Page> => newPage(browser, contexts);

describe('the chat page when WebSocket is blocked', () => {
  it.each([
    ['answers every Upgrade with 400', 'refuse'],
    ['accepts the Upgrade and never answers', 'hang'],
  ] as [string, UpgradePolicy][])(
    'through a proxy that %s: connects over the HTTP transport and chats with a WebSocket user',
    async (_what, upgrade) => {
      if (demo === undefined) throw new Error('no demo');
      const proxy = await startTestProxy({ targets: [demo.port], upgrade });
      proxies.push(proxy);
      const alice = await page();
      const bob = await page();
      await signIn(alice, proxy.origin, `alice-${upgrade}`);
      await signIn(bob, `http://127.0.0.1:${demo.port}`, `bob-${upgrade}`);
      expect(await alice.getAttribute('#where', 'data-transport')).toBe('http');
      expect(await alice.textContent('#where')).toMatch(/ · HTTP fallback$/);
      expect(await bob.getAttribute('#where', 'data-transport')).toBe('websocket');
      expect(proxy.blockedUpgrades()).toBeGreaterThanOrEqual(1);

      const thread = `lobby-${upgrade}`;
      await open(alice, 'thread', thread);
      await open(bob, 'thread', thread);
      await send(alice, 'hello from behind the proxy');
      await expect
        .poll(() => lines(bob), { timeout: 10_000 })
        .toEqual([{ from: `alice-${upgrade}`, text: 'hello from behind the proxy' }]);
      await send(bob, 'hello over WebSocket');
      const chat = [
        { from: `alice-${upgrade}`, text: 'hello from behind the proxy' },
        { from: `bob-${upgrade}`, text: 'hello over WebSocket' },
      ];
      await expect.poll(() => lines(alice), { timeout: 10_000 }).toEqual(chat);
      await expect.poll(() => lines(bob)).toEqual(chat);
    },
  );
});
