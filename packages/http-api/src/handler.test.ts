import { createManager, userId } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { apiHandler } from './handler.js';
import type { CallOptions, StartApiOptions, TestApi } from './test/apiServer.js';
import { startApi, testKeys } from './test/apiServer.js';

const admin = testKeys.admin;
const reader = testKeys.reader;
const open: TestApi[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function start(
  api: StartApiOptions['api'] = {},
  manager: StartApiOptions['manager'] = {},
): Promise<TestApi> {
  const started = await startApi({ api, manager });
  open.push(started);
  return started;
}

describe('apiHandler', () => {
  it('publishes to a thread: members receive it from null with the offset the API answered', async () => {
    const api = await start();
    const pair = createMemorySocketPair();
    const id = await api.manager.connectUser(userId('alice'), pair.server);
    await api.manager.joinThread(id, 'room:1' as never);
    const r = await api.call('POST', '/api/publish', {
      body: JSON.stringify({ thread: 'room:1', data: { text: 'hi' } }),
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, delivered: 1, published: false, dropped: {} });
    const msg = pair.client.framesOf('message').at(-1);
    expect(msg).toMatchObject({ thread: 'room:1', from: null, data: { text: 'hi' } });
    expect(msg?.offset).toBe(r.body.offset);
    const h = await api.call('GET', '/api/threads/room:1/history?limit=10', { key: reader });
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({
      messages: [{ offset: r.body.offset, from: null }],
      next: null,
    });
    const p = await api.call('GET', '/api/threads/room:1/presence?limit=10', { key: reader });
    expect(p).toMatchObject({
      status: 200,
      body: { count: 1, users: [{ userId: 'alice', connections: 1 }], next: null },
    });
    const bad = await api.call('GET', '/api/threads/room:1/presence?limit=0', { key: reader });
    expect({ status: bad.status, code: bad.body.error?.code }).toEqual({
      status: 400,
      code: 'bad_request',
    });
  });

  it('sends to a user, broadcasts, finds users, revokes and reads stats', async () => {
    const api = await start();
    const pair = createMemorySocketPair();
    await api.manager.connectUser(userId('bob'), pair.server);
    const s = await api.call('POST', '/api/send', { body: '{"user":"bob","data":1}' });
    expect(s).toMatchObject({ status: 200, body: { ok: true, delivered: 1 } });
    const b = await api.call('POST', '/api/broadcast', { body: '{"data":[2]}' });
    expect(b).toMatchObject({ status: 200, body: { ok: true, delivered: 1 } });
    expect(pair.client.framesOf('message').map((m) => m.data)).toEqual([1, [2]]);
    const u = await api.call('GET', '/api/users/bob', { key: reader });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({
      userId: 'bob',
      connections: [{ instanceId: api.manager.instanceId }],
    });
    expect((await api.call('GET', '/api/users/nobody')).body.error?.code).toBe('not_found');
    const st = await api.call('GET', '/api/stats');
    expect(st).toMatchObject({ status: 200, body: { connections: 1, users: 1 } });
    const d = await api.call('POST', '/api/disconnect', { body: '{"user":"bob"}' });
    expect(d).toMatchObject({ status: 200, body: { ok: true, closed: 1 } });
    expect(pair.client.closed?.code).toBe(4103);
  });

  it('answers every bad request with its status and stable code', async () => {
    const api = await start({
      validate: { publish: (d) => (typeof d === 'string' ? undefined : 'data must be a string') },
    });
    const cases: [string, string, CallOptions, number, string][] = [
      ['POST', '/api/publish', { key: null, body: '{}' }, 401, 'unauthorized'],
      ['POST', '/api/publish', { key: 'wrong-key-0123456789', body: '{}' }, 401, 'unauthorized'],
      [
        'POST',
        '/api/publish',
        { key: reader, body: '{"thread":"t","data":"x"}' },
        403,
        'forbidden',
      ],
      ['POST', '/api/publish', { body: '{"thread":"t",' }, 400, 'bad_request'],
      ['POST', '/api/publish', { body: '{"thread":"t"}' }, 400, 'bad_request'],
      ['POST', '/api/publish', { body: '{"thread":"bad thread","data":"x"}' }, 400, 'bad_request'],
      ['POST', '/api/publish', { body: '{"thread":"t","data":"x","extra":1}' }, 400, 'bad_request'],
      ['POST', '/api/publish', { body: '{"thread":"t","data":5}' }, 422, 'invalid_message'],
      ['POST', '/api/publish', { body: 'x=1', type: 'text/plain' }, 415, 'unsupported_media_type'],
      ['GET', '/api/publish', {}, 405, 'method_not_allowed'],
      ['GET', '/api/nowhere', {}, 404, 'not_found'],
      ['GET', '/api/nowhere', { key: null }, 401, 'unauthorized'],
      ['POST', '/api/disconnect', { body: '{"user":"u","code":1000}' }, 400, 'bad_request'],
      ['GET', '/api/threads/t/history?limit=1001', {}, 400, 'bad_request'],
      ['GET', '/api/threads/t/history?after=nonsense', {}, 400, 'bad_request'],
    ];
    for (const [method, path, opts, status, code] of cases) {
      const r = await api.call(method, path, opts);
      expect({ path, status: r.status, code: r.body.error?.code }).toEqual({ path, status, code });
      expect(typeof r.body.error?.message).toBe('string');
    }
    const m = await api.call('GET', '/api/publish');
    expect(m.headers.allow).toBe('POST');
  });

  it('refuses a body over maxMessageBytes with 413', async () => {
    const api = await start({}, { maxMessageBytes: 1024 });
    const r = await api.call('POST', '/api/publish', {
      body: JSON.stringify({ thread: 't', data: 'x'.repeat(4096) }),
    });
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('too_large');
  });

  it('rate-limits per key with Retry-After, and answers 503 once the manager closes', async () => {
    const api = await start({ requestsPerSecond: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await api.call('GET', '/api/stats')).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toContain(429);
    const limited = await api.call('GET', '/api/stats');
    expect(limited.body.error?.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect((await api.call('GET', '/api/stats', { key: reader })).status).toBe(200);
    await api.manager.close();
    const closed = await api.call('GET', '/api/stats', { key: reader });
    expect(closed.status).toBe(503);
    expect(closed.body.error?.code).toBe('unavailable');
  });

  it('refuses unknown options and short keys without showing the key', () => {
    const manager = createManager();
    open.push({ close: () => manager.close() } as TestApi);
    expect(() =>
      apiHandler(manager, { keys: [{ name: 'a', key: admin }], pathh: '/x' } as never),
    ).toThrow(/did you mean `path`/);
    expect(() => apiHandler(manager, { keys: [{ name: 'a', key: 'short-secret' }] })).toThrow(
      /"a"/,
    );
    expect(() =>
      apiHandler(manager, { keys: [{ name: 'a', key: 'long secret with spaces' }] }),
    ).toThrow(/no spaces/);
    try {
      apiHandler(manager, { keys: [{ name: 'a', key: 'short-secret' }] });
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('short-secret');
    }
  });
});
