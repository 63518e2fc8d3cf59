/**
 * Bad input on the HTTP transport from a page in Debian's Chromium (playwright-core), across
 * origins as a browser sends it (CORS preflights, error bodies read through CORS): 404, 401
 * (frames not delivered), 409, 413, 400, a retried POST delivered once, an owner that does not
 * answer (503); and a page that stops reading its stream is cut as a slow consumer.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'undici';
import { waitFor } from '@ws/testkit';
import { memoryBackend } from '../test/backends.js';
import type { Page } from '../test/browserPage.js';
import { useBrowserPages } from '../test/browserPage.js';
import { startServer } from '../test/server.js';
import type { RealServer, RealServerOptions } from '../test/server.js';
import { createClient } from './client.js';
import type { ClientMessage } from './events.js';

/** The page's helpers: a stream opened by hand, and POSTs answered as [status, code]. */
const html = `<!doctype html>
<meta charset="utf-8">
<title>HTTP transport bad input</title>
<script type="module">
  window.openStream = async (base, token, keepReading) => {
    const res = await fetch(base + '/ws/sse?token=' + token, { cache: 'no-store' });
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    while (!buf.includes('\\n\\n')) buf += decoder.decode((await reader.read()).value, { stream: true });
    const session = JSON.parse(buf.slice(buf.indexOf('data: ') + 6, buf.indexOf('\\n\\n')));
    window.frames = [];
    if (keepReading)
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          window.frames.push(decoder.decode(value));
        }
      })();
    return session;
  };
  window.post = async (base, id, secret, seq, body, type = 'application/json') => {
    const headers = { 'content-type': type, 'x-wsm-seq': String(seq) };
    if (secret !== null) headers['x-wsm-secret'] = secret;
    const res = await fetch(base + '/ws/sse/' + encodeURIComponent(id), { method: 'POST', headers, body });
    const json = await res.json();
    return [res.status, json.error ? json.error.code : json.duplicate ? 'duplicate' : 'ok', json.error?.expectedSeq];
  };
</script>`;

type Session = { connectionId: string; postSecret: string };
type PageWindow = {
  openStream(base: string, token: string, keepReading: boolean): Promise<Session>;
  post(
    base: string,
    id: string,
    secret: string | null,
    seq: number,
    body: string,
    type?: string,
  ): Promise<[number, string, number | undefined]>;
};
const pages = useBrowserPages(html);
const newPage = (): Promise<Page> => pages.newPage('post');
const cleanups = { push: pages.cleanup };

async function instance(o: RealServerOptions = {}): Promise<RealServer> {
  const s = await startServer({
    ...o,
    http: { allowedOrigins: [pages.origin()], maxBodyBytes: 4096, ...o.http },
  });
  cleanups.push(() => s.close());
  return s;
}

const origin = (s: RealServer): string => `http://127.0.0.1:${s.port}`;

describe('bad input on the HTTP transport, from Chromium', () => {
  it('404, 401, 409, 413, 400, 415 with their codes; a retried POST is delivered once; a silent owner is a 503', async () => {
    const cluster = await memoryBackend();
    const owner = await instance({ cluster: (url) => cluster.adapter(url) });
    const silent = await instance({
      cluster: (url) => ({
        ...cluster.adapter(url),
        receive: () => Promise.resolve({ outcome: 'no_answer' as const }),
      }),
    });
    const watcher = createClient({ url: owner.url, token: 'good-watcher', WebSocket });
    cleanups.push(() => watcher.close());
    const seen: ClientMessage[] = [];
    watcher.subscribe('room', (m) => seen.push(m));
    await watcher.join('room');

    const page = await newPage();
    const base = origin(owner);
    const s = await page.evaluate(
      (b: string) => (window as unknown as PageWindow).openStream(b, 'good-page', true),
      base,
    );
    const post = (
      at: string,
      a: { id?: string; secret?: string | null; seq: number; body: string; type?: string },
    ): Promise<[number, string, number | undefined]> =>
      page.evaluate(
        ([b, id, secret, seq, body, type]) =>
          (window as unknown as PageWindow).post(b, id, secret, seq, body, type),
        [
          at,
          a.id ?? s.connectionId,
          a.secret === undefined ? s.postSecret : a.secret,
          a.seq,
          a.body,
          a.type ?? 'application/json',
        ] as const,
      );
    const publish = (text: string, id: number): string =>
      JSON.stringify([{ type: 'publish', thread: 'room', data: text, id }]);
    const joinRoom = JSON.stringify([{ type: 'join', thread: 'room', id: 1 }]);

    expect(await post(base, { id: 'nobody-1', seq: 1, body: '[]' })).toEqual([
      404,
      'not_found',
      undefined,
    ]);
    expect(await post(base, { secret: 'wrong', seq: 1, body: joinRoom })).toEqual([
      401,
      'unauthorized',
      undefined,
    ]);
    expect(await post(base, { secret: null, seq: 1, body: joinRoom })).toEqual([
      401,
      'unauthorized',
      undefined,
    ]);
    expect(await post(base, { seq: 3, body: joinRoom })).toEqual([409, 'seq_gap', 1]);
    expect(await post(base, { seq: 1, body: JSON.stringify(['x'.repeat(5000)]) })).toEqual([
      413,
      'too_large',
      undefined,
    ]);
    expect(await post(base, { seq: 1, body: '{"type":"join"}' })).toEqual([
      400,
      'bad_request',
      undefined,
    ]);
    expect(await post(base, { seq: 1, body: joinRoom, type: 'text/plain' })).toEqual([
      415,
      'unsupported_media_type',
      undefined,
    ]);
    expect(await post(base, { seq: 1, body: joinRoom })).toEqual([200, 'ok', undefined]);
    expect(await post(base, { seq: 2, body: publish('once', 2) })).toEqual([200, 'ok', undefined]);
    expect(await post(base, { seq: 2, body: publish('once', 2) })).toEqual([
      200,
      'duplicate',
      undefined,
    ]);
    // Through the instance that does not hold the stream, whose owner never answers.
    expect(await post(origin(silent), { seq: 3, body: publish('lost', 3) })).toEqual([
      503,
      'unavailable',
      undefined,
    ]);
    expect(await post(base, { seq: 3, body: publish('after', 3) })).toEqual([200, 'ok', undefined]);
    await waitFor(() => seen.length === 2, {
      timeoutMs: 5000,
      message: 'the two delivered messages',
    });
    expect(seen.map((m) => [m.from, m.data])).toEqual([
      ['page', 'once'],
      ['page', 'after'],
    ]);
  }, 60_000);

  it('a page that stops reading its stream is cut as a slow consumer (1013)', async () => {
    const s = await instance({ manager: { maxBufferedBytes: 256 * 1024, slowConsumer: 'close' } });
    const cut: [string, number, string][] = [];
    s.manager.on('disconnect', (c, info) => cut.push([c.userId, info.code, info.reason]));
    const page = await newPage();
    const base = origin(s);
    const session = await page.evaluate(
      (b: string) => (window as unknown as PageWindow).openStream(b, 'good-stalled', false),
      base,
    );
    const joined = await page.evaluate(
      ([b, id, secret]) =>
        (window as unknown as PageWindow).post(
          b,
          id,
          secret,
          1,
          JSON.stringify([{ type: 'join', thread: 'flood', id: 1 }]),
        ),
      [base, session.connectionId, session.postSecret] as const,
    );
    expect(joined).toEqual([200, 'ok', undefined]);
    const chunk = 'y'.repeat(16 * 1024);
    for (let i = 0; i < 8000 && cut.length === 0; i++) {
      void s.manager.sendToThread('flood' as never, { chunk, i });
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(() => cut.length === 1, { timeoutMs: 20_000, message: 'the slow consumer cut' });
    expect(cut).toEqual([['stalled', 1013, 'slow consumer']]);
  }, 60_000);
});
