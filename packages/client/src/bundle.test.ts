/**
 * The built client bundle: what it imports, how big it is, and that the very same ESM files run
 * in Debian's Chromium (through playwright-core) against a real server.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromiumPath, launchChromium } from '@ws/testkit';
import { describe, expect, it } from 'vitest';
import { measure, useBuiltBundle } from '../test/bundle.js';
import { startServer } from '../test/server.js';
import { serveBundlePage } from '../test/staticPage.js';

const bundleDir = useBuiltBundle();

describe('the built bundle', () => {
  it('imports nothing from the server packages or any other package (JSON entry)', () => {
    const code = readFileSync(path.join(bundleDir(), 'index.js'), 'utf8');
    const specifiers = [
      ...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm),
    ].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    // Only its own chunks: no @ws/core, no @msgpack/msgpack, no node: built-ins.
    expect(specifiers.filter((s) => s?.startsWith('./') !== true)).toEqual([]);
    expect(code).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
  });

  it('stays tiny: the JSON-only client is under 9 KiB minified + gzipped (the wave-2 budget, with every feature of that wave)', async () => {
    const json = await measure(path.join(bundleDir(), 'index.js'));
    const msgpack = await measure(path.join(bundleDir(), 'msgpack.js'));
    console.log(
      `@ws/client bundle (esbuild, minified + gzip -9): index ${json.minified} B min, ${json.gzipped} B gz; msgpack entry with @msgpack/msgpack ${msgpack.minified} B min, ${msgpack.gzipped} B gz`,
    );
    expect(json.gzipped).toBeLessThan(9 * 1024);
    expect(json.gzipped).toBeGreaterThan(1024);
  });
});

const page = `<!doctype html>
<meta charset="utf-8">
<title>@ws/client in chromium</title>
<script type="module">
  import { createClient, compareOffsets } from './client/index.js';
  window.roundTrip = async (url) => {
    const states = [];
    const client = createClient({ url, token: 'good-browser' });
    for (const e of ['connecting', 'open', 'reconnecting', 'closed']) client.on(e, () => states.push(e));
    const first = new Promise((resolve) => client.subscribe('room', resolve));
    await client.join('room');
    const ack = await client.publish('room', { hello: 'from chromium' });
    const message = await first;
    const ordered = compareOffsets('1-2', '1-10') < 0;
    client.close();
    return { ack, message, states, ordered, hasNativeWebSocket: typeof WebSocket === 'function' };
  };
</script>`;

describe('in Debian chromium (playwright-core)', () => {
  it('the same ESM bundle connects to a real server and completes a round trip', async () => {
    chromiumPath(); // fails first, with the install command, when Chromium is absent
    const web = await serveBundlePage(bundleDir(), page);
    const origin = web.origin;
    const server = await startServer({ attach: { allowedOrigins: [origin] } });
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      await tab.goto(`${origin}/`);
      await tab.waitForFunction(
        () => typeof (window as unknown as { roundTrip?: unknown }).roundTrip === 'function',
      );
      const result = (await tab.evaluate(
        (url) =>
          (window as unknown as { roundTrip: (u: string) => Promise<unknown> }).roundTrip(url),
        server.url,
      )) as {
        ack: { offset?: string };
        message: { thread: string; from: string; data: unknown; offset: string };
        states: string[];
        ordered: boolean;
        hasNativeWebSocket: boolean;
      };
      expect(result.hasNativeWebSocket).toBe(true);
      expect(result.ack.offset).toMatch(/^\d+-\d+$/);
      expect(result.message).toEqual({
        thread: 'room',
        from: 'browser',
        data: { hello: 'from chromium' },
        offset: result.ack.offset,
      });
      expect(result.states).toEqual(['open', 'closed']);
      expect(result.ordered).toBe(true);
      expect(server.manager.getStats().messagesReceived).toBeGreaterThanOrEqual(2);
    } finally {
      await browser.close();
      await server.close();
      await web.close();
    }
  }, 60_000);
});
