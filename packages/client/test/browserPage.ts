/**
 * For a Chromium test file: builds the bundle, serves `html` with it (`serveBundlePage`) and
 * launches Debian's Chromium before the tests; closes both after them; runs the cleanups a test
 * registered after each test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '@ws/testkit';
import { useBuiltBundle } from './bundle.js';
import type { StaticPage } from './staticPage.js';
import { serveBundlePage } from './staticPage.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;
export type Page = Awaited<ReturnType<Browser['newPage']>>;

export interface BrowserPages {
  /** The page's origin (valid once the tests run). */
  origin(): string;
  /** A new tab on the page, once `ready` (a global the page defines) exists; closed after the test. */
  newPage(ready: string): Promise<Page>;
  /** Runs after the current test, last registered first. */
  cleanup(fn: () => Promise<void> | void): void;
}

export function useBrowserPages(html: string): BrowserPages {
  const bundleDir = useBuiltBundle();
  let web: StaticPage | undefined;
  let browser: Browser | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    web = await serveBundlePage(bundleDir(), html);
    browser = await launchChromium({ timeout: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  return {
    origin: () => web?.origin ?? '',
    async newPage(ready) {
      if (browser === undefined || web === undefined) throw new Error('no browser');
      const page = await browser.newPage();
      cleanups.push(() => page.close());
      await page.goto(`${web.origin}/`);
      await page.waitForFunction((name) => name in window, ready);
      return page;
    },
    cleanup: (fn) => cleanups.push(fn),
  };
}
