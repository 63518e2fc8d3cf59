import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@ws/testkit';
import type { HttpTestServer, StreamClient } from '../test/httpHarness.js';
import { metricValue, openStream, postBatch, startHttp } from '../test/httpHarness.js';

const join = (thread: string, id: number): unknown => ({ type: 'join', thread, id });
const publish = (thread: string, text: string, id: number): unknown => ({
  type: 'publish',
  thread,
  data: { text },
  id,
});

let srv: HttpTestServer | undefined;
const streams: StreamClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  await srv?.close();
  srv = undefined;
});

async function stream(query?: string, headers?: Record<string, string>): Promise<StreamClient> {
  const s = await openStream(
    (srv as HttpTestServer).origin,
    query,
    headers === undefined ? {} : { headers },
  );
  streams.push(s);
  return s;
}

/** alice and bob on streams, both in `room` (joined by POST). */
async function twoInRoom(): Promise<{
  alice: StreamClient;
  bob: StreamClient;
  a: { connectionId: string; secret: string };
}> {
  const alice = await stream('token=good-alice');
  const bob = await stream('token=good-bob');
  const sa = await alice.session();
  const sb = await bob.session();
  const origin = (srv as HttpTestServer).origin;
  const a = { connectionId: sa.connectionId, secret: sa.postSecret };
  expect((await postBatch(origin, { ...a, seq: 1 }, [join('room', 1)])).status).toBe(200);
  await alice.frame((f) => f['type'] === 'ack' && f['id'] === 1);
  const b = { connectionId: sb.connectionId, secret: sb.postSecret, seq: 1 };
  expect((await postBatch(origin, b, [join('room', 1)])).status).toBe(200);
  await bob.frame((f) => f['type'] === 'ack' && f['id'] === 1);
  return { alice, bob, a };
}

const texts = (s: StreamClient): unknown[] =>
  s
    .frames()
    .filter((f) => f['type'] === 'message')
    .map((f) => (f['data'] as { text: string }).text);

describe('httpTransport: the stream', () => {
  it('opens with the SSE headers, a session event, then the welcome', async () => {
    srv = await startHttp();
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    const session = await s.session();
    expect(session.connectionId).toMatch(/-/);
    expect(session.postSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const welcome = await s.frame((f) => f['type'] === 'welcome');
    expect(welcome['connectionId']).toBe(session.connectionId);
    expect(s.events[0]?.event).toBe('session');
    expect(srv.transport.streams()).toBe(1);
    expect(metricValue(srv.manager, 'ws_http_streams')).toBe(1);
  });

  it('refuses a bad token with 401 and a slow authenticate with 503 + Retry-After', async () => {
    srv = await startHttp(
      {},
      {
        authenticateTimeoutMs: 100,
        authenticate: (_req, token) =>
          token === 'slow'
            ? new Promise(() => undefined)
            : token === 'good-a'
              ? { userId: 'a' }
              : null,
      },
    );
    const bad = await stream('token=nope');
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.events[0]?.data ?? '')).toEqual({
      error: { code: 'unauthorized', message: 'authentication failed' },
    });
    const slow = await stream('token=slow');
    expect(slow.status).toBe(503);
    expect(slow.headers.get('retry-after')).toBe('5');
    expect(srv.transport.streams()).toBe(0);
  });

  it('limits streams per IP (429) and stops taking them after close() (503), closing the open ones with 1001', async () => {
    srv = await startHttp({}, { maxConnectionsPerIp: 1 });
    const first = await stream();
    await first.session();
    const second = await stream('token=good-bob');
    expect(second.status).toBe(429);
    expect(JSON.parse(second.events[0]?.data ?? '').error.code).toBe('rate_limited');
    srv.transport.close();
    await waitFor(() => first.ended(), { timeoutMs: 5000 });
    const close = first.events.find((e) => e.event === 'close');
    expect(JSON.parse(close?.data ?? '{}')).toEqual({ code: 1001, reason: 'endpoint closed' });
    const third = await stream();
    expect(third.status).toBe(503);
  });

  it('answers a method it does not serve with 405 + Allow, and leaves other paths alone', async () => {
    srv = await startHttp();
    const put = await fetch(`${srv.origin}/ws/sse`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, OPTIONS');
    expect(((await put.json()) as { error: { code: string } }).error.code).toBe(
      'method_not_allowed',
    );
    const get = await fetch(`${srv.origin}/ws/sse/abc-1`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await fetch(`${srv.origin}/elsewhere`)).status).toBe(418);
    expect((await fetch(`${srv.origin}/ws/ssex`)).status).toBe(418);
  });
});

describe('httpTransport: POSTed frames', () => {
  it('delivers a batch in order; a retried seq is acknowledged and not delivered again', async () => {
    srv = await startHttp();
    const { bob, a } = await twoInRoom();
    const batch = [publish('room', 'one', 2), publish('room', 'two', 3)];
    const first = await postBatch(srv.origin, { ...a, seq: 2 }, batch);
    expect(first).toMatchObject({ status: 200, body: { ok: true, seq: 2 } });
    const retry = await postBatch(srv.origin, { ...a, seq: 2 }, batch);
    expect(retry).toMatchObject({ status: 200, body: { ok: true, seq: 2, duplicate: true } });
    expect(
      (await postBatch(srv.origin, { ...a, seq: 3 }, [publish('room', 'three', 4)])).status,
    ).toBe(200);
    await bob.frame(
      (f) => f['type'] === 'message' && (f['data'] as { text: string }).text === 'three',
    );
    expect(texts(bob)).toEqual(['one', 'two', 'three']);
    expect(metricValue(srv.manager, 'ws_http_frames_received_total')).toBe(5);
  });

  it('answers a gap with 409 and the expected seq, delivering nothing', async () => {
    srv = await startHttp();
    const { bob, a } = await twoInRoom();
    const gap = await postBatch(srv.origin, { ...a, seq: 5 }, [publish('room', 'late', 2)]);
    expect(gap).toMatchObject({
      status: 409,
      body: { error: { code: 'seq_gap', expectedSeq: 2 } },
    });
    expect((await postBatch(srv.origin, { ...a, seq: 2 }, [publish('room', 'ok', 3)])).status).toBe(
      200,
    );
    await bob.frame((f) => f['type'] === 'message');
    expect(texts(bob)).toEqual(['ok']);
  });

  it('a wrong or missing secret: 401 and nothing delivered', async () => {
    srv = await startHttp();
    const { bob, a } = await twoInRoom();
    const wrong = { connectionId: a.connectionId, secret: `${a.secret.slice(0, -1)}x`, seq: 2 };
    expect(await postBatch(srv.origin, wrong, [publish('room', 'forged', 2)])).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    const none = { connectionId: a.connectionId, seq: 2 };
    expect((await postBatch(srv.origin, none, [publish('room', 'forged', 2)])).status).toBe(401);
    expect(
      (await postBatch(srv.origin, { ...a, seq: 2 }, [publish('room', 'real', 3)])).status,
    ).toBe(200);
    await bob.frame((f) => f['type'] === 'message');
    expect(texts(bob)).toEqual(['real']);
  });

  it('answers bad frames inside a valid array with error frames on the stream', async () => {
    srv = await startHttp();
    const { alice, a } = await twoInRoom();
    const res = await postBatch(srv.origin, { ...a, seq: 2 }, [{ type: 'nonsense', id: 9 }, 42]);
    expect(res.status).toBe(200);
    await waitFor(() => alice.frames().filter((f) => f['type'] === 'error').length === 2, {
      timeoutMs: 5000,
    });
    const errors = alice.frames().filter((f) => f['type'] === 'error');
    expect(errors.map((f) => f['code'])).toEqual(['unknown_type', 'bad_request']);
  });

  it('404 for an unknown connection and for one whose stream ended', async () => {
    srv = await startHttp();
    const s = await stream();
    const { connectionId, postSecret } = await s.session();
    const unknown = { connectionId: 'nobody-77', secret: postSecret, seq: 1 };
    expect(await postBatch(srv.origin, unknown, [])).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    s.abort();
    await waitFor(() => srv?.manager.getStats().connections === 0, { timeoutMs: 5000 });
    expect(
      (await postBatch(srv.origin, { connectionId, secret: postSecret, seq: 1 }, [])).status,
    ).toBe(404);
  });
});
