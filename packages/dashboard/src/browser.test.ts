/**
 * Real-browser test: Debian's Chromium driven by playwright-core loads the dashboard, then the test
 * connects clients to the manager and checks that the page's connection count and its chart change
 * live. Needs Chromium (`apt-get install -y chromium`); without it this test FAILS, it never skips.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Manager } from '@ws/core';
import { createManager, localCluster, silentLogger, threadId, userId } from '@ws/core';
import type { MemorySocketPair } from '@ws/core/testing';
import { createMemorySocketPair } from '@ws/core/testing';
import { launchChromium } from '@ws/testkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardHandler } from './handler.js';
import { dashboardHandler } from './handler.js';

const TOKEN = 'browser-test-token-0123456789';
const EVIL = '<script>window.__pwned=1</script>';
const SCREENSHOT = fileURLToPath(new URL('../test-artifacts/dashboard.png', import.meta.url));

let manager: Manager;
let handler: DashboardHandler;
let server: Server;
let browser: Browser | undefined;
let base: string;
const clients: MemorySocketPair[] = [];

beforeAll(async () => {
  manager = createManager({
    logger: silentLogger(),
    instanceId: 'browser-1',
    cluster: localCluster({ publicUrl: `wss://example.test/${EVIL}` }),
  });
  handler = dashboardHandler(manager, {
    auth: { token: TOKEN },
    updateIntervalMs: 200,
    sampleIntervalMs: 200,
    title: `Test ${EVIL}`,
  });
  handler.dashboard.updateDashboardConfig({
    dashboards: {
      evil: {
        title: `Evil ${EVIL}`,
        widgets: [
          {
            id: 'evil-users',
            title: `Users ${EVIL}`,
            kind: 'table',
            source: { type: 'connections', limit: 10 },
          },
          {
            id: 'evil-labels',
            title: 'Labels',
            kind: 'bar',
            source: { type: 'sumBy', metric: 'app_evil_total', by: 'v' },
          },
          {
            id: 'evil-instances',
            title: 'Instances',
            kind: 'table',
            source: { type: 'instances' },
          },
        ],
      },
    },
  });
  server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  handler?.close();
  await manager?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) =>
    server === undefined ? resolve() : server.close(() => resolve()),
  );
}, 60_000);

async function connect(name: string): Promise<void> {
  const pair = createMemorySocketPair();
  clients.push(pair);
  await manager.connectUser(userId(name), pair.server);
}

/** Waits until the element's text (or attribute) has the value; the predicate runs in the page. */
async function waitForValue(
  page: Page,
  selector: string,
  value: string,
  attribute?: string,
): Promise<void> {
  await page.waitForFunction(
    ([sel, want, attr]) => {
      const el = (globalThis as any).document.querySelector(sel);
      if (el === null) return false;
      return (attr === undefined ? el.textContent : el.getAttribute(attr)) === want;
    },
    [selector, value, attribute] as const,
    { timeout: 10_000 },
  );
}

/**
 * A new page; Chromium is launched on first use, inside the test, so a missing Chromium fails
 * each test with the install hint (a failing hook would only mark them skipped).
 */
async function newPage(options?: Parameters<Browser['newPage']>[0]): Promise<Page> {
  browser ??= await launchChromium();
  return browser.newPage(options);
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

describe('dashboard page in Chromium', { timeout: 60_000 }, () => {
  it('signs in with ?token=, then shows the connection count and chart changing live', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = watchErrors(page);
    const response = await page.goto(`${base}/dashboard?token=${TOKEN}`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${base}/dashboard`); // the token left the address bar
    await page.waitForSelector('#status.live', { timeout: 10_000 });

    const count = page.locator('[data-widget="connections"] .value');
    const chart = page.locator('[data-widget="connections-chart"] svg.chart');
    expect(await count.textContent()).toBe('0');
    await waitForValue(page, '[data-widget="connections-chart"] svg.chart', '0', 'data-last');
    const lineBefore = await chart.locator('polyline').first().getAttribute('points');
    expect(await page.locator('[data-widget="rtt-chart"]').getAttribute('data-status')).toBe(
      'not_installed',
    );
    expect(await page.locator('[data-widget="rtt-chart"] .note').textContent()).toBe(
      'not installed (ws_heartbeat_rtt_seconds)',
    );

    await connect('alice');
    await connect('bob');
    await connect('carol');
    await manager.sendToUser(userId('alice'), { hello: 'world' });

    await waitForValue(page, '[data-widget="connections"] .value', '3');
    await waitForValue(page, '[data-widget="connections-chart"] svg.chart', '3', 'data-last');
    const lineAfter = await chart.locator('polyline').first().getAttribute('points');
    expect(lineAfter).not.toBe(lineBefore);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(2);
    expect(await page.locator('[data-widget="users"] .value').textContent()).toBe('3');
    const instances = await page.locator('[data-widget="instances"] tbody tr td').allTextContents();
    expect(instances.slice(0, 5)).toEqual([
      'browser-1',
      `wss://example.test/${EVIL}`,
      'running',
      '3',
      '3',
    ]);

    // Disconnecting is seen too.
    clients[0]?.client.close();
    await waitForValue(page, '[data-widget="connections"] .value', '2');

    mkdirSync(fileURLToPath(new URL('../test-artifacts/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders hostile names as text: titles, user ids, label values, instance URLs', async () => {
    const page = await newPage();
    const errors = watchErrors(page);
    await connect(EVIL);
    const presence = await manager.findUser(userId(EVIL));
    await manager.joinThread(presence!.connections[0]!.connectionId, threadId('room-1'));
    manager.metrics.counter('app_evil_total', { help: 'x', labelNames: ['v'] }).inc(5, { v: EVIL });
    // Without the cookie: the sign-in page, 401.
    const refused = await page.goto(`${base}/dashboard?dashboard=evil`);
    expect(refused?.status()).toBe(401);
    errors.length = 0; // the browser logs the 401 itself
    await page.goto(`${base}/dashboard?dashboard=evil&token=${TOKEN}`);
    expect(page.url()).toBe(`${base}/dashboard?dashboard=evil`);
    await page.waitForSelector('#status.live', { timeout: 10_000 });
    expect(await page.locator('#title').textContent()).toBe(`Evil ${EVIL}`);
    expect(await page.title()).toBe(`Evil ${EVIL} \u2013 Test ${EVIL}`);
    expect(await page.locator('[data-widget="evil-users"] h2').textContent()).toBe(`Users ${EVIL}`);
    const userCells = await page
      .locator('[data-widget="evil-users"] tbody tr td:first-child')
      .allTextContents();
    expect(userCells).toContain(EVIL);
    expect(await page.locator('[data-widget="evil-labels"] .bars span').first().textContent()).toBe(
      EVIL,
    );
    expect(await page.locator('[data-widget="evil-instances"] tbody td').nth(1).textContent()).toBe(
      `wss://example.test/${EVIL}`,
    );
    // Nothing was injected: no script ran, only the page's two script elements exist.
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('nav a').allTextContents()).toEqual([
      'Overview',
      'Connections',
      `Evil ${EVIL}`,
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
