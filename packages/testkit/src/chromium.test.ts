import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATHS, chromiumPath, launchChromium } from './chromium.js';

describe('launchChromium', () => {
  it('finds Debian Chromium and drives a headless page', async () => {
    expect(CHROMIUM_PATHS).toContain(chromiumPath());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      expect(await page.evaluate(() => 6 * 7)).toBe(42);
    } finally {
      await browser.close();
    }
  });
});
