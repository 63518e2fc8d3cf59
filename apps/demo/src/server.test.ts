/**
 * The demo's contract, in process (embedded mode): /api/login, /healthz, /readyz, the page and
 * its script, the dashboard and /metrics behind the admin token, and /ws: HMAC authentication
 * with expiry, the thread rules, the quality gates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from './config.js';
import { startDemo } from './demo.js';
import type { DemoServer } from './demo.js';
import { createTokenService } from './token.js';

const SECRET = 'server-test-secret';
const ADMIN = 'admin-token-for-tests-0123456789';
let demo: DemoServer;
let base = '';

beforeAll(async () => {
  demo = await startDemo(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SECRET: SECRET,
      ADMIN_TOKEN: ADMIN,
      ADMIN_USERS: 'root',
    }),
  );
  base = `http://127.0.0.1:${demo.port}`;
});
afterAll(async () => {
  await demo?.close({ drain: false });
});

async function login(
  body: unknown,
  raw?: string,
): Promise<{ status: number; body: { token?: string; error?: string } }> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { token?: string; error?: string } };
}

interface Peer {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  closed: Promise<number>;
  next(match: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(frame: unknown): void;
}

async function connect(token: string): Promise<Peer> {
  const ws = new WebSocket(`ws://127.0.0.1:${demo.port}/ws?token=${encodeURIComponent(token)}`, [
    'wsm.v1.json',
  ]);
  const frames: Record<string, unknown>[] = [];
  const waiters: {
    match: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
  }[] = [];
  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(f);
    for (const w of waiters.splice(0)) {
      if (w.match(f)) w.resolve(f);
      else waiters.push(w);
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const peer: Peer = {
    ws,
    frames,
    closed,
    next: (match) =>
      new Promise((resolve, reject) => {
        const seen = frames.find(match);
        if (seen !== undefined) {
          resolve(seen);
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`no matching frame; got ${JSON.stringify(frames)}`)),
          10_000,
        );
        waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      }),
    send: (frame) => ws.send(JSON.stringify(frame)),
  };
  await peer.next((f) => f.type === 'welcome');
  return peer;
}

function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['wsm.v1.json']);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

const byId = (id: number) => (f: Record<string, unknown>) => f.id === id;

describe('POST /api/login', () => {
  it('answers {token} for a valid name; the token verifies with DEMO_SECRET', async () => {
    const r = await login({ user: 'alice_01-x' });
    expect(r.status).toBe(200);
    expect(createTokenService({ secret: SECRET }).verify(r.body.token ?? '')?.userId).toBe(
      'alice_01-x',
    );
  });

  it('answers 400 for anything but 1-32 of a-z0-9_-', async () => {
    for (const user of ['', 'Alice', 'x'.repeat(33), 'a b', 'a:b', 'é', 42, null]) {
      expect((await login({ user })).status, JSON.stringify(user)).toBe(400);
    }
    expect((await login({})).status).toBe(400);
    expect((await login(undefined, 'not json')).status).toBe(400);
    expect((await login(undefined, '"alice"')).status).toBe(400);
  });

  it('answers 405 to other methods and 413 to huge bodies', async () => {
    const get = await fetch(`${base}/api/login`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(
      (await login(undefined, JSON.stringify({ user: 'a', pad: 'x'.repeat(4000) }))).status,
    ).toBe(413);
  });
});

describe('HTTP routes', () => {
  it('/healthz is live and /readyz ready', async () => {
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      status: 'ready',
      state: 'running',
      cluster: { status: 'ready' },
    });
  });

  it('serves the page, its script (the bundled @ws/client) and styles, no CDN', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${base}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await js.text();
    expect(code).toContain('wsm.v1.msgpack');
    // One self-contained file: no module imports left for the browser to fetch.
    expect(code).not.toMatch(/^import[\s{*]|\bimport\(/m);
    expect((await fetch(`${base}/app.css`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('the dashboard and /metrics need the admin token', async () => {
    expect((await fetch(`${base}/dashboard`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${ADMIN}` } };
    const dash = await fetch(`${base}/dashboard`, auth);
    expect(dash.status).toBe(200);
    expect(dash.headers.get('content-type')).toContain('text/html');
    const metrics = await fetch(`${base}/metrics`, auth);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    for (const name of ['ws_connections', 'ws_heartbeat_', 'ws_quality_'])
      expect(text).toContain(name);
  });
});

describe('/ws', () => {
  it('refuses a missing, forged or expired token with 401', async () => {
    const url = `ws://127.0.0.1:${demo.port}/ws`;
    expect(await refusedStatus(url)).toBe(401);
    const other = createTokenService({ secret: 'another-secret' }).issue('alice');
    expect(await refusedStatus(`${url}?token=${other}`)).toBe(401);
    const expired = createTokenService({
      secret: SECRET,
      now: () => Date.now() - 13 * 3600_000,
    }).issue('alice');
    expect(await refusedStatus(`${url}?token=${expired}`)).toBe(401);
  });

  it('identity comes from the token; thread rules and quality gates apply', async () => {
    const alice = await connect((await login({ user: 'alice' })).body.token ?? '');
    const bob = await connect((await login({ user: 'bob' })).body.token ?? '');
    const root = await connect((await login({ user: 'root' })).body.token ?? '');
    expect(alice.frames[0]).toMatchObject({ type: 'welcome', userId: 'alice' });

    alice.send({ type: 'join', thread: 'dm:alice:bob', id: 1 });
    expect(await alice.next(byId(1))).toEqual({ type: 'ack', id: 1 });
    root.send({ type: 'join', thread: 'dm:alice:bob', id: 2 });
    expect(await root.next(byId(2))).toMatchObject({ type: 'error', id: 2, code: 'forbidden' });
    alice.send({ type: 'join', thread: 'ops:quality', id: 3 });
    expect(await alice.next(byId(3))).toMatchObject({ type: 'error', id: 3, code: 'forbidden' });
    root.send({ type: 'join', thread: 'ops:quality', id: 4 });
    expect(await root.next(byId(4))).toEqual({ type: 'ack', id: 4 });
    bob.send({ type: 'join', thread: 'lobby', id: 5 });
    expect(await bob.next(byId(5))).toEqual({ type: 'ack', id: 5 });

    // A schema per frame type: chat data is { text: 1-2000 characters }.
    alice.send({ type: 'publish', thread: 'dm:alice:bob', data: { text: 42 }, id: 6 });
    expect(await alice.next(byId(6))).toMatchObject({
      type: 'error',
      id: 6,
      code: 'invalid_message',
    });
    alice.send({ type: 'direct', to: 'bob', data: { text: '' }, id: 7 });
    expect(await alice.next(byId(7))).toMatchObject({
      type: 'error',
      id: 7,
      code: 'invalid_message',
    });

    alice.send({ type: 'publish', thread: 'dm:alice:bob', data: { text: 'hi' }, id: 8 });
    expect(await alice.next(byId(8))).toMatchObject({ type: 'ack', id: 8 });
    expect(
      await alice.next((f) => f.type === 'message' && f.thread === 'dm:alice:bob'),
    ).toMatchObject({
      from: 'alice',
      data: { text: 'hi' },
    });
    alice.send({ type: 'direct', to: 'bob', data: { text: 'psst' }, id: 9 });
    expect(await alice.next(byId(9))).toEqual({ type: 'ack', id: 9 });
    expect(await bob.next((f) => f.type === 'message' && f.thread === undefined)).toEqual({
      type: 'message',
      from: 'alice',
      data: { text: 'psst' },
    });
    // bob never joined the private thread: nothing of it reached him.
    expect(bob.frames.filter((f) => f.thread === 'dm:alice:bob')).toEqual([]);
    for (const p of [alice, bob, root]) p.ws.close();
  });

  it('presence: a member asks who is online and watches; a non-member is refused', async () => {
    const pia = await connect((await login({ user: 'pia' })).body.token ?? '');
    const quinn = await connect((await login({ user: 'quinn' })).body.token ?? '');
    pia.send({ type: 'join', thread: 'presence-room', id: 1, presence: true });
    expect(await pia.next(byId(1))).toEqual({ type: 'ack', id: 1 });
    // The watcher's first diff shows its own arrival.
    expect(
      await pia.next((f) => f.type === 'presence_diff' && f.thread === 'presence-room'),
    ).toEqual({ type: 'presence_diff', thread: 'presence-room', joins: ['pia'], leaves: [] });
    quinn.send({ type: 'join', thread: 'presence-room', id: 2 });
    expect(await quinn.next(byId(2))).toEqual({ type: 'ack', id: 2 });
    quinn.send({ type: 'presence', thread: 'presence-room', id: 3 });
    expect(await quinn.next(byId(3))).toEqual({
      type: 'ack',
      id: 3,
      presence: {
        count: 2,
        users: expect.arrayContaining([
          { userId: 'pia', connections: 1 },
          { userId: 'quinn', connections: 1 },
        ]) as unknown,
        next: null,
      },
    });
    expect(
      await pia.next(
        (f) => f.type === 'presence_diff' && Array.isArray(f.joins) && f.joins.includes('quinn'),
      ),
    ).toMatchObject({ leaves: [] });

    // Not a member: of a public thread not joined, and of a private thread of others.
    quinn.send({ type: 'presence', thread: 'elsewhere', id: 4 });
    expect(await quinn.next(byId(4))).toMatchObject({ type: 'error', id: 4, code: 'forbidden' });
    pia.send({ type: 'join', thread: 'dm:pia:zed', id: 2 });
    expect(await pia.next(byId(2))).toEqual({ type: 'ack', id: 2 });
    quinn.send({ type: 'presence', thread: 'dm:pia:zed', id: 5 });
    expect(await quinn.next(byId(5))).toMatchObject({ type: 'error', id: 5, code: 'forbidden' });
    quinn.send({ type: 'join', thread: 'dm:pia:zed', id: 6, presence: true });
    expect(await quinn.next(byId(6))).toMatchObject({ type: 'error', id: 6, code: 'forbidden' });
    expect(quinn.frames.filter((f) => f.type === 'presence_diff')).toEqual([]);
    quinn.ws.close();
    expect(
      await pia.next(
        (f) => f.type === 'presence_diff' && Array.isArray(f.leaves) && f.leaves.includes('quinn'),
      ),
    ).toMatchObject({ thread: 'presence-room', joins: [] });
    pia.ws.close();
  });

  it('a rate limit refuses floods with rate_limited, and persistent abuse is closed with 1008', async () => {
    const carol = await connect((await login({ user: 'carol' })).body.token ?? '');
    carol.send({ type: 'join', thread: 'flood', id: 0 });
    await carol.next(byId(0));
    for (let i = 1; i <= 60; i++)
      carol.send({ type: 'publish', thread: 'flood', data: { text: `m${i}` }, id: i });
    // Burst 30 per connection: then refusals; the 10th consecutive violation closes (core's maxViolations).
    expect(await carol.closed).toBe(1008);
    // Every frame type counts (the join too).
    const acks = carol.frames.filter((f) => f.type === 'ack');
    const limited = carol.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(acks.length).toBeGreaterThanOrEqual(30);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]?.message).toMatch(/^rate limit exceeded for this connection/);
  });
});

describe('token expiry', () => {
  it('a connection is closed with 4102 when its token expires', async () => {
    const short = await startDemo({
      ...loadConfig({ PORT: '0', HOST: '127.0.0.1', DEMO_SECRET: SECRET, ADMIN_TOKEN: ADMIN }),
      tokenTtlMs: 1500,
    });
    try {
      const res = await fetch(`http://127.0.0.1:${short.port}/api/login`, {
        method: 'POST',
        body: '{"user":"dave"}',
      });
      const { token } = (await res.json()) as { token: string };
      const ws = new WebSocket(`ws://127.0.0.1:${short.port}/ws?token=${token}`, ['wsm.v1.json']);
      const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
      expect(code).toBe(4102);
    } finally {
      await short.close({ drain: false });
    }
  });
});
