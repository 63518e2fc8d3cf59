import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SseEvent } from '../test/httpHarness.js';
import { parseBlock } from '../test/httpHarness.js';
import { createSseSocket, type SseSocket } from './sseSocket.js';
import { createTickFlusher } from './tickFlusher.js';

/** Parses a whole SSE body into events (comments kept as event `:`). */
function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block !== '')
    .map(parseBlock);
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(onStream: (sse: SseSocket, res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
    onStream(createSseSocket(res, { keepAliveMs: 0 }), res);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('createSseSocket', () => {
  it('writes the session event first, then the held frames, then close', async () => {
    const closes: [number, string][] = [];
    const url = await serve((sse) => {
      sse.socket.onClose((code, reason) => closes.push([code, reason]));
      sse.socket.send('{"type":"welcome"}');
      expect(sse.socket.bufferedAmount).toBeGreaterThan(0);
      sse.open({ connectionId: 'a-1', postSecret: 's' });
      sse.socket.send('{"type":"ack"}');
      sse.socket.close(1000, 'bye');
      sse.socket.close(1000, 'again');
      expect(sse.socket.readyState).toBe(3);
    });
    const body = await (await fetch(url)).text();
    expect(parseSse(body)).toEqual([
      { event: 'session', data: '{"connectionId":"a-1","postSecret":"s"}' },
      { event: 'message', data: '{"type":"welcome"}' },
      { event: 'message', data: '{"type":"ack"}' },
      { event: 'close', data: '{"code":1000,"reason":"bye"}' },
    ]);
    expect(closes).toEqual([[1000, 'bye']]);
  });

  it('a close before open drops the held frames and writes only the close event', async () => {
    const url = await serve((sse) => {
      sse.socket.send('{"type":"welcome"}');
      sse.socket.close(4401, 'unauthorized');
      sse.open({ connectionId: 'a-1', postSecret: 's' });
    });
    const body = await (await fetch(url)).text();
    expect(parseSse(body)).toEqual([
      { event: 'close', data: '{"code":4401,"reason":"unauthorized"}' },
    ]);
  });

  it('prepare frames once for every stream; sendPrepared writes those bytes, held before open too', async () => {
    const sockets: SseSocket[] = [];
    const url = await serve((sse) => {
      sockets.push(sse);
      if (sockets.length < 2) return;
      const [a, b] = sockets as [SseSocket, SseSocket];
      expect(a.socket.prepare).toBe(b.socket.prepare);
      const prepared = a.socket.prepare?.('{"type":"message","data":1}');
      b.socket.sendPrepared?.(prepared); // held: b is not open yet
      for (const s of [a, b]) s.open({ connectionId: 'a-1', postSecret: 's' });
      a.socket.sendPrepared?.(prepared);
      for (const s of [a, b]) s.socket.close(1000, '');
    });
    const bodies = await Promise.all([fetch(url), fetch(url)].map(async (r) => (await r).text()));
    for (const body of bodies)
      expect(parseSse(body).map((e) => e.event + ' ' + e.data)).toEqual([
        'session {"connectionId":"a-1","postSecret":"s"}',
        'message {"type":"message","data":1}',
        'close {"code":1000,"reason":""}',
      ]);
  });

  it('with a flusher, the frames of one tick leave in one write, before a close in that tick', async () => {
    const writes: number[] = [];
    const url = await serve((_sse, res) => {
      const write = res.write.bind(res) as (chunk: unknown) => boolean;
      res.write = ((chunk: unknown) => {
        writes.push(Buffer.byteLength(chunk as string | Buffer));
        return write(chunk);
      }) as typeof res.write;
      const sse = createSseSocket(res, { keepAliveMs: 0, flusher: createTickFlusher() });
      sse.open({ connectionId: 'a-1', postSecret: 's' });
      for (let i = 0; i < 3; i++) sse.socket.send(`{"n":${i}}`);
      expect(sse.socket.bufferedAmount).toBeGreaterThanOrEqual(3 * 14);
      setImmediate(() => {
        sse.socket.send('{"n":3}');
        sse.socket.close(1000, '');
      });
    });
    const events = parseSse(await (await fetch(url)).text());
    expect(events.map((e) => e.data).slice(1, 5)).toEqual([
      '{"n":0}',
      '{"n":1}',
      '{"n":2}',
      '{"n":3}',
    ]);
    // session, then n 0-2 in one write, then n 3 flushed by the close.
    expect(writes).toEqual([writes[0], 3 * 15, 15]);
  });

  it('terminate destroys the response and fires onClose(1006) once', async () => {
    const closes: number[] = [];
    const url = await serve((sse) => {
      sse.socket.onClose((code) => closes.push(code));
      sse.open({ connectionId: 'a-1', postSecret: 's' });
      setTimeout(() => sse.socket.terminate(), 20);
    });
    const res = await fetch(url);
    await expect(res.text()).rejects.toThrow();
    expect(closes).toEqual([1006]);
  });

  it('a client that goes away fires onClose(1006, "")', async () => {
    let resolveClose: (value: [number, string]) => void = () => undefined;
    const closed = new Promise<[number, string]>((resolve) => (resolveClose = resolve));
    const url = await serve((sse) => {
      sse.socket.onClose((code, reason) => resolveClose([code, reason]));
      sse.open({ connectionId: 'a-1', postSecret: 's' });
    });
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal });
    expect(res.status).toBe(200);
    abort.abort();
    await expect(closed).resolves.toEqual([1006, '']);
  });

  it('sends keep-alive comments every keepAliveMs', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
      const sse = createSseSocket(res, { keepAliveMs: 10 });
      sse.open({ connectionId: 'a-1', postSecret: 's' });
      setTimeout(() => sse.socket.close(1000, ''), 200);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const events = parseSse(await (await fetch(url)).text());
    expect(events[0]?.event).toBe('session');
    expect(events.some((e) => e.event === ':' && e.data === 'ka')).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'close', data: '{"code":1000,"reason":""}' });
  });
});
