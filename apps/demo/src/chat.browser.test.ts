/**
 * End to end in a real browser (Debian's Chromium through playwright-core), embedded mode:
 * two users chat in a public thread; a third user's private thread with the first stays
 * private: the second cannot join it and never receives any of its messages, not even as a
 * WebSocket frame. Each thread shows who is online, live: a user once however many tabs, gone
 * when their last tab closes.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { threadId, userId } from '@ws/core';
import { launchChromium } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKeys, lines, newPage, open, select, send, signIn } from '../test/browser.js';
import { loadConfig } from './config.js';
import { startDemo } from './demo.js';
import type { DemoServer } from './demo.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const API_KEY = 'browser-test-api-key-0123456789';

let demo: DemoServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
let base = '';

beforeAll(async () => {
  demo = await startDemo(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SECRET: 'browser-test-secret',
      ADMIN_TOKEN: 'browser-test-admin-token',
      API_KEYS: API_KEY,
    }),
  );
  base = `http://127.0.0.1:${demo.port}`;
  browser = await launchChromium({ timeout: 60_000 });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await demo?.close({ drain: false });
});

const page = (): Promise<Page> => newPage(browser, contexts);

/** Every frame a page receives over WebSockets, as text (MessagePack frames decoded as UTF-8 bytes). */
function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) =>
      frames.push(typeof payload === 'string' ? payload : payload.toString('utf8')),
    );
  });
  return frames;
}

describe('the chat page in Chromium', () => {
  it('two users chat in a public thread; a private thread stays private', async () => {
    const alice = await page();
    const bob = await page();
    const carol = await page();
    const bobFrames = recordFrames(bob);

    await signIn(alice, base, 'alice', 'json');
    await signIn(bob, base, 'bob', 'msgpack'); // one thread, two codecs
    await signIn(carol, base, 'carol', 'json');
    expect(await alice.textContent('#me')).toBe('alice · JSON');
    expect(await bob.textContent('#me')).toBe('bob · MessagePack');

    // Public thread.
    await open(alice, 'thread', 'lobby');
    await open(bob, 'thread', 'lobby');
    await expect.poll(() => conversationKeys(alice)).toEqual(['thread:lobby']);
    await expect.poll(() => conversationKeys(bob)).toEqual(['thread:lobby']);
    await send(alice, 'hello bob');
    await expect.poll(() => lines(bob)).toEqual([{ from: 'alice', text: 'hello bob' }]);
    await send(bob, 'hi alice, over MessagePack');
    const chat = [
      { from: 'alice', text: 'hello bob' },
      { from: 'bob', text: 'hi alice, over MessagePack' },
    ];
    await expect.poll(() => lines(alice)).toEqual(chat);
    await expect.poll(() => lines(bob)).toEqual(chat);

    // alice and carol's private thread.
    await open(alice, 'private', 'carol');
    await open(carol, 'private', 'alice');
    await expect
      .poll(() => conversationKeys(alice))
      .toEqual(['thread:lobby', 'thread:dm:alice:carol']);
    await expect.poll(() => conversationKeys(carol)).toEqual(['thread:dm:alice:carol']);
    await send(alice, 'secret plan one');
    await expect.poll(() => lines(carol)).toEqual([{ from: 'alice', text: 'secret plan one' }]);

    // bob tries to join the private thread by its name.
    await open(bob, 'thread', 'dm:alice:carol');
    await expect
      .poll(() => bob.textContent('#notice'))
      .toBe('Cannot join dm:alice:carol: forbidden: not allowed to join "dm:alice:carol"');
    expect(await conversationKeys(bob)).toEqual(['thread:lobby']);

    await send(alice, 'secret plan two');
    await send(carol, 'secret reply');
    const secrets = [
      { from: 'alice', text: 'secret plan one' },
      { from: 'alice', text: 'secret plan two' },
      { from: 'carol', text: 'secret reply' },
    ];
    await expect.poll(() => lines(carol)).toEqual(secrets);
    await expect.poll(() => lines(alice)).toEqual(secrets);

    // A later lobby message reaches bob: anything of the private thread would have come before it.
    await select(alice, 'thread:lobby');
    await send(alice, 'bob, are you still there?');
    await expect
      .poll(() => lines(bob))
      .toEqual([...chat, { from: 'alice', text: 'bob, are you still there?' }]);
    expect(await bob.textContent('body')).not.toContain('secret');
    expect(bobFrames.length).toBeGreaterThan(3);
    expect(bobFrames.filter((f) => f.includes('secret'))).toEqual([]);
    // The only frame naming the private thread is the refusal of bob's own join.
    const naming = bobFrames.filter((f) => f.includes('dm:alice:carol'));
    expect(naming).toHaveLength(1);
    expect(naming[0]).toContain('forbidden');

    // The connection state is visible.
    expect(await alice.getAttribute('#status', 'data-state')).toBe('open');
    expect(await alice.textContent('#where')).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${demo?.port} · instance [0-9a-f]+ · WebSocket$`),
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await send(bob, 'see you in the dashboard');
    await expect.poll(async () => (await lines(alice)).length).toBe(4);
    await alice.screenshot({ path: `${ARTIFACTS}chat.png` });
  });
  it('each thread shows who is online, live: a user once however many tabs', async () => {
    const alice = await page();
    const bob = await page();
    const bobAgain = await bob.context().newPage(); // a second tab of bob's
    const online = (page: Page): Promise<string | null> => page.textContent('#presence');
    const bobsConnections = async (): Promise<number | undefined> =>
      (await demo?.manager.presence(threadId('watercooler')))?.users.find((u) => u.userId === 'bob')
        ?.connections;
    await signIn(alice, base, 'alice');
    await open(alice, 'thread', 'watercooler');
    await expect.poll(() => online(alice), { timeout: 10_000 }).toBe('online: alice');

    for (const tab of [bob, bobAgain]) {
      await signIn(tab, base, 'bob', tab === bob ? 'json' : 'msgpack');
      await open(tab, 'thread', 'watercooler');
      await expect.poll(() => online(tab), { timeout: 10_000 }).toBe('online: alice, bob');
    }
    await expect.poll(() => online(alice), { timeout: 10_000 }).toBe('online: alice, bob');
    // One user, two connections (core counts the second tab's join into presence after its ack).
    await expect.poll(bobsConnections, { timeout: 10_000 }).toBe(2);

    // One tab closes: bob is still online through the other.
    await bobAgain.close();
    await expect.poll(bobsConnections, { timeout: 10_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500)); // over two diff intervals
    expect(await online(alice)).toBe('online: alice, bob');
    // The last one closes: alice's page drops him.
    await bob.close();
    await expect.poll(() => online(alice), { timeout: 15_000 }).toBe('online: alice');
    expect(await bobsConnections()).toBeUndefined();
  });

  it('after a dropped connection the page reconnects, resumes and shows what it missed', async () => {
    const erin = await page();
    const frank = await page();
    await frank.clock.install(); // holds frank's reconnect timer while erin publishes
    await signIn(erin, base, 'erin');
    await signIn(frank, base, 'frank', 'msgpack');
    await open(erin, 'thread', 'standup');
    await open(frank, 'thread', 'standup');
    await send(erin, 'first');
    await expect.poll(() => lines(frank)).toEqual([{ from: 'erin', text: 'first' }]);

    await frank.clock.pauseAt(Date.now() + 1000);
    expect(
      await demo?.manager.disconnectUser(userId('frank'), { code: 1011, reason: 'test drop' }),
    ).toBe(1);
    await expect.poll(() => frank.getAttribute('#status', 'data-state')).toBe('reconnecting');
    expect(await frank.textContent('#where')).toMatch(/^closed 1011; retrying /);
    // erin's page sees frank go while his connection is down.
    await expect.poll(() => erin.textContent('#presence')).toBe('online: erin');
    for (const text of ['missed one', 'missed two', 'missed three']) await send(erin, text);
    await expect.poll(async () => (await lines(erin)).length).toBe(4);

    await frank.clock.resume();
    await expect
      .poll(() => frank.getAttribute('#status', 'data-state'), { timeout: 30_000 })
      .toBe('open');
    expect(await frank.textContent('#where')).toMatch(/· resumed$/);
    const all = ['first', 'missed one', 'missed two', 'missed three'].map((text) => ({
      from: 'erin',
      text,
    }));
    await expect.poll(() => lines(frank)).toEqual(all);
    // Back: erin's page sees him again; his own page read the list anew.
    await expect.poll(() => erin.textContent('#presence')).toBe('online: erin, frank');
    await expect.poll(() => frank.textContent('#presence')).toBe('online: erin, frank');
    await send(erin, 'live again');
    await expect.poll(() => lines(frank)).toEqual([...all, { from: 'erin', text: 'live again' }]);
  });

  it('a message published through the HTTP API shows as from the server', async () => {
    const gina = await page();
    await signIn(gina, base, 'gina');
    await open(gina, 'thread', 'announcements');
    await expect.poll(() => conversationKeys(gina)).toEqual(['thread:announcements']);
    const res = await fetch(`${base}/api/v1/publish`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ thread: 'announcements', data: { text: 'maintenance at noon' } }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => lines(gina)).toEqual([{ from: 'server', text: 'maintenance at noon' }]);
    expect(await gina.getAttribute('#messages li', 'class')).toBe('server');
  });
});
