import type { IncomingMessage } from 'node:http';
import { request } from 'node:http';
import { createMemoryCluster } from '@ws/core/testing';
import type { ConnectionId } from '@ws/core';
import { threadId, userId } from '@ws/core';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@ws/testkit';
import type { HttpTestServer, StreamClient } from '../test/httpHarness.js';
import { metricValue, openStream, postBatch, silentOwner, startHttp } from '../test/httpHarness.js';

const servers: HttpTestServer[] = [];
const streams: StreamClient[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  for (const srv of servers.splice(0)) await srv.close();
});

async function serve(...args: Parameters<typeof startHttp>): Promise<HttpTestServer> {
  const srv = await startHttp(...args);
  servers.push(srv);
  return srv;
}

async function session(
  srv: HttpTestServer,
  query = 'token=good-alice',
): Promise<{ s: StreamClient; connectionId: string; secret: string }> {
  const s = await openStream(srv.origin, query);
  streams.push(s);
  const { connectionId, postSecret } = await s.session();
  return { s, connectionId, secret: postSecret };
}

describe('httpTransport: bad POSTs', () => {
  it('400 for a body that is not a JSON array or a bad seq, 415 for another type, 413 over the limits', async () => {
    const srv = await serve({}, { maxBodyBytes: 1000, maxFramesPerPost: 3 });
    const { connectionId, secret } = await session(srv);
    const at = (seq: number | string) => ({ connectionId, secret, seq });
    const code = (r: { body: Record<string, unknown> }): unknown =>
      (r.body['error'] as { code: string }).code;
    const notArray = await postBatch(srv.origin, at(1), { type: 'join' });
    expect([notArray.status, code(notArray)]).toEqual([400, 'bad_request']);
    expect((await postBatch(srv.origin, at(1), '[1,')).status).toBe(400);
    for (const seq of ['0', '-1', '1.5', 'x'])
      expect((await postBatch(srv.origin, at(seq), [])).status).toBe(400);
    expect((await postBatch(srv.origin, { connectionId, secret }, [])).status).toBe(400);
    const text = await postBatch(srv.origin, at(1), '[]', { 'Content-Type': 'text/plain' });
    expect([text.status, code(text)]).toEqual([415, 'unsupported_media_type']);
    const big = await postBatch(srv.origin, at(1), [`${'x'.repeat(1200)}`]);
    expect([big.status, code(big)]).toEqual([413, 'too_large']);
    const many = await postBatch(srv.origin, at(1), [1, 2, 3, 4]);
    expect([many.status, code(many)]).toEqual([413, 'too_large']);
    // None of them counted as a batch: seq 1 is still the next one.
    expect((await postBatch(srv.origin, at(1), [])).body).toEqual({ ok: true, seq: 1 });
    const of = (status: string): number =>
      metricValue(srv.manager, 'ws_http_requests_total', { route: 'post', status });
    expect([of('400'), of('413'), of('415'), of('200')]).toEqual([7, 2, 1, 1]);
  });

  it('a stream whose client never reads is cut as a slow consumer', async () => {
    const srv = await serve({ maxBufferedBytes: 256 * 1024, slowConsumer: 'close' });
    const { s, connectionId, secret } = await session(srv, 'token=good-bob');
    expect(
      (
        await postBatch(srv.origin, { connectionId, secret, seq: 1 }, [
          { type: 'join', thread: 'flood', id: 1 },
        ])
      ).status,
    ).toBe(200);
    await s.frame((f) => f['type'] === 'ack');
    s.abort();
    // A raw client that opens a stream, joins, then never reads a byte.
    const stalled = await new Promise<IncomingMessage>((resolve) => {
      const req = request(`${srv.origin}/ws/sse?token=good-carl`, (res) => {
        res.pause();
        resolve(res);
      });
      req.end();
    });
    await waitFor(() => srv.manager.getStats().connections === 1, { timeoutMs: 5000 });
    const carl = (await srv.manager.findUser(userId('carl')))?.connections[0]?.connectionId;
    expect(carl).toBeDefined();
    await srv.manager.joinThread(carl as ConnectionId, threadId('flood'));
    const cut: [string, number, string][] = [];
    srv.manager.on('disconnect', (c, info) => cut.push([c.userId, info.code, info.reason]));
    const chunk = 'y'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && srv.manager.getStats().connections > 0; i++) {
      void srv.manager.sendToThread(threadId('flood'), { chunk, i });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => srv.manager.getStats().connections === 0, { timeoutMs: 10_000 });
    expect(cut).toEqual([['carl', 1013, 'slow consumer']]);
    stalled.destroy();
  });
});

describe('httpTransport: CORS', () => {
  it('answers allowed cross origins with CORS headers, refuses the others with 403', async () => {
    const srv = await serve({}, { allowedOrigins: ['http://app.example'] });
    const evil = await openStream(srv.origin, 'token=good-alice', {
      headers: { Origin: 'http://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await openStream(srv.origin, 'token=good-alice', {
      headers: { Origin: 'http://app.example' },
    });
    streams.push(ok);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(ok.headers.get('vary')).toBe('Origin');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const { connectionId, postSecret } = await ok.session();
    const preflight = await fetch(`${srv.origin}/ws/sse/${connectionId}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Wsm-Secret');
    const denied = await fetch(`${srv.origin}/ws/sse/${connectionId}`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example' },
    });
    expect(denied.status).toBe(403);
    const target = { connectionId, secret: postSecret, seq: 1 };
    const post = await postBatch(srv.origin, target, [], { Origin: 'http://app.example' });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const forged = await postBatch(srv.origin, { ...target, seq: 2 }, [], {
      Origin: 'http://evil.example',
    });
    expect(forged.status).toBe(403);
  });
});

describe('httpTransport: no sticky sessions', () => {
  it('a POST to another instance reaches the owner; an owner that does not answer is a 503', async () => {
    const hub = createMemoryCluster();
    const owner = await serve({ instanceId: 'own', cluster: hub.adapter() });
    const other = await serve({ instanceId: 'oth', cluster: hub.adapter() });
    const silent = await serve({ instanceId: 'sil', cluster: silentOwner(hub.adapter()) });
    const { s, connectionId, secret } = await session(owner);
    const join = { type: 'join', thread: 'room', id: 1 };
    expect(await postBatch(other.origin, { connectionId, secret, seq: 1 }, [join])).toMatchObject({
      status: 200,
      body: { ok: true, seq: 1 },
    });
    await s.frame((f) => f['type'] === 'ack' && f['id'] === 1);
    const wrong = { connectionId, secret: 'nope', seq: 2 };
    expect((await postBatch(other.origin, wrong, [])).status).toBe(401);
    const lost = await postBatch(silent.origin, { connectionId, secret, seq: 2 }, []);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('1');
    expect((await postBatch(other.origin, { connectionId, secret, seq: 2 }, [])).status).toBe(200);
  });
});
