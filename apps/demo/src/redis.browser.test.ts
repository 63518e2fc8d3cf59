/**
 * Two demo processes sharing one redis-server (started here on a free port), browsers on each:
 * a user on one instance gets direct and private-thread messages from a user on the other and
 * sees them online (and gone when their page closes), and SIGTERM on one instance drains it: its
 * browser client follows the reconnect hint to the other instance, resumes, shows every message
 * published meanwhile, once each, in order, and reads the thread's presence anew.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createRedisServer, freePort, launchChromium } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKeys, lines, newPage, open, select, send, signIn } from '../test/browser.js';
import { redisInstanceEnv, spawnDemo, waitReady } from '../test/processes.js';
import type { DemoProcess } from '../test/processes.js';

let redis: RedisServer | undefined;
let a: DemoProcess | undefined;
let b: DemoProcess | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

async function startInstance(port: number, peers: readonly number[]): Promise<DemoProcess> {
  return spawnDemo({
    port,
    env: {
      ...redisInstanceEnv(redis?.url, port, `demo-test-${redis?.port}:`),
      ALLOWED_ORIGINS: peers.map((p) => `http://127.0.0.1:${p}`).join(','),
      DEMO_SECRET: 'two-instances-shared-secret',
      ADMIN_TOKEN: 'two-instances-admin-token',
      ADMIN_USERS: undefined,
    },
  });
}

beforeAll(async () => {
  redis = await createRedisServer();
  const [pa, pb] = [await freePort(), await freePort()];
  // One after the other, each assigned at once, so afterAll stops whatever did start.
  a = await startInstance(pa, [pa, pb]);
  b = await startInstance(pb, [pa, pb]);
  await waitReady([a, b]);
  browser = await launchChromium({ timeout: 60_000 });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await redis?.stop();
});

const page = (): Promise<Page> => newPage(browser, contexts);

describe('two demo processes over Redis', () => {
  it('both run in redis mode and see each other', async () => {
    expect(a?.output()).toContain('mode:       redis (@ws/scaling-redis');
    const metrics = await fetch(`${a?.url}/dashboard/api/dashboards`, {
      headers: { authorization: 'Bearer two-instances-admin-token' },
    });
    expect(metrics.status).toBe(200);
  });

  it('a user on one instance gets a direct message and a private-thread message from a user on the other, and sees them online', async () => {
    const alice = await page();
    const bob = await page();
    await signIn(alice, a?.url ?? '', 'alice');
    await signIn(bob, b?.url ?? '', 'bob', 'msgpack');
    expect(await alice.getAttribute('#where', 'data-host')).toBe(`127.0.0.1:${a?.port}`);
    expect(await bob.getAttribute('#where', 'data-host')).toBe(`127.0.0.1:${b?.port}`);
    expect(await alice.getAttribute('#where', 'data-instance')).not.toBe(
      await bob.getAttribute('#where', 'data-instance'),
    );

    await open(alice, 'direct', 'bob');
    await send(alice, 'hello bob, from instance A');
    await expect.poll(() => conversationKeys(bob), { timeout: 20_000 }).toEqual(['direct:alice']);
    await select(bob, 'direct:alice');
    expect(await lines(bob)).toEqual([{ from: 'alice', text: 'hello bob, from instance A' }]);
    // The sender sees their own direct message once it is acknowledged.
    await expect
      .poll(() => lines(alice))
      .toEqual([{ from: 'alice', text: 'hello bob, from instance A' }]);

    await open(alice, 'private', 'bob');
    await open(bob, 'private', 'alice');
    await expect.poll(() => conversationKeys(bob)).toEqual(['direct:alice', 'thread:dm:alice:bob']);
    // Presence across instances: each page shows the other online in their private thread.
    for (const page of [alice, bob])
      await expect
        .poll(() => page.textContent('#presence'), { timeout: 20_000 })
        .toBe('online: alice, bob');
    await send(alice, 'private, across instances');
    await expect
      .poll(() => lines(bob), { timeout: 20_000 })
      .toEqual([{ from: 'alice', text: 'private, across instances' }]);
    await send(bob, 'received');
    await expect
      .poll(() => lines(alice), { timeout: 20_000 })
      .toEqual([
        { from: 'alice', text: 'private, across instances' },
        { from: 'bob', text: 'received' },
      ]);
    // bob's page on B closes: alice's page on A drops him.
    await bob.close();
    await expect
      .poll(() => alice.textContent('#presence'), { timeout: 20_000 })
      .toBe('online: alice');
  });

  it('SIGTERM drains one instance: its browser moves to the other and shows every message published meanwhile', async () => {
    const carol = await page(); // on A, keeps publishing
    const dave = await page(); // on B, will be drained
    // dave's page runs on Playwright's clock: pausing it holds the client in `reconnecting` (its
    // reconnect delay is a timer) for as long as the test publishes, so messages are surely
    // published while dave is connected nowhere.
    await dave.clock.install();
    await signIn(carol, a?.url ?? '', 'carol');
    await signIn(dave, b?.url ?? '', 'dave');
    await open(carol, 'thread', 'town-square');
    await open(dave, 'thread', 'town-square');
    const sent: string[] = [];
    const say = async (text: string): Promise<void> => {
      sent.push(text);
      await send(carol, text);
      await expect
        .poll(async () => (await lines(carol)).at(-1)?.text, { timeout: 20_000 })
        .toBe(text);
    };
    await say('before the drain');
    await expect
      .poll(() => lines(dave), { timeout: 20_000 })
      .toEqual([{ from: 'carol', text: 'before the drain' }]);

    await dave.clock.pauseAt(Date.now() + 1000);
    const bExit = b?.exited;
    b?.child.kill('SIGTERM');
    await expect
      .poll(() => dave.getAttribute('#status', 'data-state'), { timeout: 30_000 })
      .toBe('reconnecting');
    expect(await dave.textContent('#where')).toMatch(
      new RegExp(`^closed 1012; retrying 127\\.0\\.0\\.1:${a?.port} in \\d+ ms$`),
    );
    for (let i = 1; i <= 5; i++) await say(`while dave is away #${i}`);
    expect(await bExit).toBe(0);
    expect(b?.output()).toContain('drained, bye');
    expect(await lines(dave)).toEqual([{ from: 'carol', text: 'before the drain' }]);

    await dave.clock.resume();
    await expect
      .poll(() => dave.getAttribute('#where', 'data-host'), { timeout: 30_000 })
      .toBe(`127.0.0.1:${a?.port}`);
    await expect
      .poll(() => dave.getAttribute('#status', 'data-state'), { timeout: 30_000 })
      .toBe('open');
    expect(await dave.textContent('#where')).toMatch(/· resumed$/);

    const expected = sent.map((text) => ({ from: 'carol', text }));
    await expect.poll(() => lines(dave), { timeout: 20_000 }).toEqual(expected);
    expect(await dave.textContent('#messages')).not.toContain('may be missing');
    // The client read the thread's presence anew on A: dave once (his connection on B is gone).
    await expect
      .poll(() => dave.textContent('#presence'), { timeout: 20_000 })
      .toBe('online: carol, dave');
    // Live again, now through A.
    await say('after the move');
    await expect
      .poll(() => lines(dave), { timeout: 20_000 })
      .toEqual([...expected, { from: 'carol', text: 'after the move' }]);
  });
});
