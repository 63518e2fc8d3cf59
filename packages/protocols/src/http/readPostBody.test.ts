import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readPostBody } from './readPostBody.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(maxBytes: number): Promise<string> {
  server = createServer((req, res) => {
    void readPostBody(req, maxBytes).then((read) => {
      const answer = typeof read === 'string' ? { status: 200, body: { text: read } } : read;
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const json = { 'Content-Type': 'application/json' };

describe('readPostBody', () => {
  it('reads a JSON body under the limit', async () => {
    const res = await fetch(await serve(100), { method: 'POST', headers: json, body: '[1]' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: '[1]' });
  });

  it('refuses another content type with 415', async () => {
    const url = await serve(100);
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: { code: 'unsupported_media_type', message: 'Content-Type must be application/json' },
    });
  });

  it('refuses a Content-Length over the limit with 413', async () => {
    const url = await serve(10);
    const res = await fetch(url, { method: 'POST', headers: json, body: 'x'.repeat(11) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: 'too_large', message: 'the body is over 10 bytes' },
    });
  });

  it('stops a chunked body at the limit with 413', async () => {
    const url = await serve(10);
    const chunks = ['x'.repeat(8), 'x'.repeat(8)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await fetch(url, { method: 'POST', headers: json, body, duplex: 'half' });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: 'too_large', message: 'the body is over 10 bytes' },
    });
  });
});
