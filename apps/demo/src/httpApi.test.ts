/**
 * The HTTP API end to end: one redis-server (started here on a free port) and two demo processes,
 * A and B, with `API_KEYS`. A Python standard-library script (`test/publish.py`, the machine's
 * `python3`) publishes through A's `/api/v1`; a raw `wsm.v1.json` client on B receives it from
 * `null` with the offset the API answered, and a later resume from that offset replays what came
 * after it. `POST /api/v1/disconnect` closes a user on both instances with 4103 and nobody else.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CloseCode } from '@ws/core';
import { createRedisServer, freePort, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisInstanceEnv, spawnDemo, waitReady } from '../test/processes.js';
import type { DemoProcess } from '../test/processes.js';
import { connectPeer, loginToken } from '../test/wsPeer.js';
import type { Frame, WsPeer } from '../test/wsPeer.js';

const PUBLISH_PY = fileURLToPath(new URL('../test/publish.py', import.meta.url));
const KEY_1 = 'http-api-test-key-one-0123456789';
const KEY_2 = 'http-api-test-key-two-0123456789';

let redis: RedisServer | undefined;
let a: DemoProcess | undefined;
let b: DemoProcess | undefined;
const peers: WsPeer[] = [];

/** Fails (never skips) when the machine has no python3. */
function requirePython(): void {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  } catch (err) {
    throw new Error(
      `python3 is needed to run test/publish.py (${String(err)}): install it with \`apt-get install -y python3\``,
    );
  }
}

async function startInstance(port: number): Promise<DemoProcess> {
  return spawnDemo({
    port,
    env: {
      ...redisInstanceEnv(redis?.url, port, `demo-api-test-${redis?.port}:`),
      ALLOWED_ORIGINS: undefined,
      DEMO_SECRET: 'http-api-test-shared-secret',
      ADMIN_TOKEN: 'http-api-test-admin-token',
      ADMIN_USERS: undefined,
      API_KEYS: `${KEY_1},${KEY_2}`,
    },
  });
}

beforeAll(async () => {
  requirePython();
  redis = await createRedisServer();
  const [pa, pb] = [await freePort(), await freePort()];
  // One after the other, each assigned at once, so afterAll stops whatever did start.
  a = await startInstance(pa);
  b = await startInstance(pb);
  await waitReady([a, b]);
});
afterAll(async () => {
  for (const p of peers) p.ws.terminate();
  await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
  await redis?.stop();
});

function base(d: DemoProcess | undefined): string {
  if (d === undefined) throw new Error('the demo did not start');
  return d.url;
}

/** `python3 test/publish.py <A's API> <thread> ...args` with `key`; its printed answer. */
function publishPy(
  thread: string,
  args: readonly string[],
  key = KEY_1,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [PUBLISH_PY, `${base(a)}/api/v1`, thread, ...args],
      { env: { ...process.env, API_KEY: key }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err !== null) reject(new Error(`publish.py failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as { status: number; body: Record<string, unknown> });
      },
    );
  });
}

async function connect(d: DemoProcess | undefined, user: string, resume?: string): Promise<WsPeer> {
  const token = await loginToken(base(d), user);
  const peer = await connectPeer(base(d), { token, ...(resume === undefined ? {} : { resume }) });
  peers.push(peer);
  return peer;
}

/** The close code of `peer`, waited for at most 20 s. */
async function closeCode(peer: WsPeer): Promise<number> {
  let code: number | undefined;
  void peer.closed.then((c) => (code = c));
  return waitFor(() => code, { timeoutMs: 20_000, message: 'the connection to close' });
}

const messagesOf = (peer: WsPeer, thread: string): Frame[] =>
  peer.frames.filter((f) => f.type === 'message' && f.thread === thread);

describe('the HTTP API over two demo instances and Redis', () => {
  it('logs where the API is and how many keys, never the keys', () => {
    for (const d of [a, b]) {
      const out = d?.output() ?? '';
      expect(out).toContain(`http api:   ${base(d)}/api/v1  (2 keys from API_KEYS`);
      expect(out).not.toContain(KEY_1);
      expect(out).not.toContain(KEY_2);
    }
  });

  it("python publishes through A; B's client gets it from null, and a resume from its offset replays only what came after", async () => {
    const reader = await connect(b, 'reader');
    await reader.request({ type: 'join', thread: 'news' });

    const first = await publishPy('news', ['first, from python']);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, offset: expect.any(String) });
    const live = await reader.next((f) => f.type === 'message' && f.thread === 'news');
    expect(live).toEqual({
      type: 'message',
      thread: 'news',
      from: null,
      data: { text: 'first, from python' },
      offset: first.body.offset,
    });

    reader.ws.close(CloseCode.normal);
    expect(await closeCode(reader)).toBe(CloseCode.normal);
    const second = await publishPy('news', ['second, while away'], KEY_2);
    expect(second).toMatchObject({ status: 200, body: { ok: true, offset: expect.any(String) } });
    expect(second.body.offset).not.toBe(first.body.offset);

    // Back on the other instance, with the session's resume token and the first message's offset.
    const back = await connect(a, 'reader', String(reader.welcome.resumeToken));
    expect(back.welcome.restored).toEqual(['news']);
    const ack = await back.request({ type: 'resume', thread: 'news', offset: first.body.offset });
    expect(ack.recovered).toBe(true);
    expect(messagesOf(back, 'news')).toEqual([
      {
        type: 'message',
        thread: 'news',
        from: null,
        data: { text: 'second, while away' },
        offset: second.body.offset,
      },
    ]);

    const refused = await publishPy('news', ['--data', '{"text": ""}']);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: { code: 'invalid_message', message: expect.stringMatching(/data\.text: Too small/) },
    });
    const notChat = await publishPy('news', ['--data', '"just a string"']);
    expect(notChat.status).toBe(422);
    expect(messagesOf(back, 'news')).toHaveLength(1);
  });

  it('POST /disconnect closes the user on both instances with 4103; others stay and still receive', async () => {
    const uOnA = await connect(a, 'ulla');
    const uOnB = await connect(b, 'ulla');
    const vOnA = await connect(a, 'vera');
    const vOnB = await connect(b, 'vera');
    for (const p of [uOnA, uOnB, vOnA, vOnB]) await p.request({ type: 'join', thread: 'alerts' });

    const res = await fetch(`${base(a)}/api/v1/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY_1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ulla' }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, closed: 2 });
    expect(await closeCode(uOnA)).toBe(CloseCode.revoked);
    expect(await closeCode(uOnB)).toBe(CloseCode.revoked);

    const after = await publishPy('alerts', ['after the revocation']);
    expect(after).toMatchObject({ status: 200, body: { ok: true } });
    for (const v of [vOnA, vOnB]) {
      const m = await v.next((f) => f.type === 'message' && f.thread === 'alerts');
      expect(m).toMatchObject({ from: null, data: { text: 'after the revocation' } });
      expect(v.ws.readyState).toBe(v.ws.OPEN);
    }
  });
});
