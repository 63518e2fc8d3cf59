import { createServer } from 'node:http';
import { createManager } from '@ws/core';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiHandler } from './handler.js';
import { apiHandler } from './handler.js';
import type { CallAnswer, CallOptions } from './test/apiServer.js';
import { callApi, listen, testKeys } from './test/apiServer.js';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** One request of the comparison; `raw` ones send a body a framework's JSON parser refuses itself. */
interface Case {
  readonly method: string;
  readonly path: string;
  readonly opts?: CallOptions;
  readonly raw?: boolean;
}

const cases: readonly Case[] = [
  {
    method: 'POST',
    path: '/api/publish',
    opts: { body: '{"thread":"room:1","data":{"text":"hi"}}' },
  },
  { method: 'POST', path: '/api/send', opts: { body: '{"user":"u","data":1}' } },
  { method: 'POST', path: '/api/broadcast', opts: { body: '{"data":[1]}' } },
  { method: 'POST', path: '/api/disconnect', opts: { body: '{"user":"u","code":4001}' } },
  { method: 'GET', path: '/api/users/u' },
  { method: 'GET', path: '/api/threads/room:1/history?limit=5' },
  { method: 'GET', path: '/api/stats' },
  { method: 'GET', path: '/api/openapi.json', opts: { key: testKeys.reader } },
  { method: 'POST', path: '/api/publish', opts: { key: null, body: '{}' } },
  { method: 'POST', path: '/api/publish', opts: { key: testKeys.reader, body: '{}' } },
  { method: 'POST', path: '/api/publish', opts: { body: '{"thread":"t","data":1,"x":2}' } },
  { method: 'POST', path: '/api/publish', opts: { body: '{"thread":"t"}' } },
  { method: 'POST', path: '/api/publish', opts: { body: '{"thread":"t","data":5}' } },
  {
    method: 'POST',
    path: '/api/publish',
    opts: { body: JSON.stringify({ thread: 't', data: 'x'.repeat(2048) }) },
  },
  { method: 'POST', path: '/api/publish', opts: { body: '{"thread":' }, raw: true },
  { method: 'POST', path: '/api/publish', opts: { body: 'x=1', type: 'text/plain' }, raw: true },
  { method: 'GET', path: '/api/publish' },
  { method: 'DELETE', path: '/api/stats' },
  { method: 'GET', path: '/api/nowhere' },
];

/** The parts of an answer that must not depend on the framework. */
function shape(a: CallAnswer): unknown {
  return {
    status: a.status,
    error: a.body.error,
    fields: Object.keys(a.body).sort(),
    type: a.headers['content-type'],
    allow: a.headers.allow,
    cache: a.headers['cache-control'],
  };
}

/** A fresh manager and API (same keys and checks each time), mounted by `mount` on a server. */
async function serve(
  mount: (api: ApiHandler) => Promise<{ port: number; close(): Promise<void> }>,
) {
  const manager = createManager({ maxMessageBytes: 1024 });
  const api = apiHandler(manager, {
    keys: [
      { name: 'admin', key: testKeys.admin },
      { name: 'reader', key: testKeys.reader, scopes: ['read'] },
    ],
    validate: { publish: (d) => (typeof d === 'number' ? 'data must not be a number' : undefined) },
  });
  const server = await mount(api);
  closers.push(async () => {
    await server.close();
    await manager.close();
  });
  return server.port;
}

async function answers(port: number, only: (c: Case) => boolean): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of cases.filter(only)) {
    out.push({
      case: `${c.method} ${c.path}`,
      ...(shape(await callApi(port, c, c.opts)) as object),
    });
  }
  return out;
}

const onHttp = (api: ApiHandler) => async () => {
  const server = createServer((req, res) => {
    if (!api(req, res)) res.writeHead(404).end();
  });
  const port = await listen(server);
  return { port, close: async () => void server.close() };
};

describe('mounted on frameworks', () => {
  it('answers on Express 5 and Fastify 5 exactly as on http', async () => {
    const expected = await answers(await serve((api) => onHttp(api)()), () => true);
    expect(expected.map((a) => (a as { status: number }).status)).toEqual([
      200, 200, 200, 200, 404, 200, 200, 200, 401, 403, 400, 400, 422, 413, 400, 415, 405, 405, 404,
    ]);

    // Express: `app.use(api)` ahead of any body parser (the API reads the stream itself).
    const viaExpress = await serve(async (api) => {
      const app = express();
      app.use(api);
      app.use((_req, res) => void res.status(404).end());
      const server = createServer(app);
      return { port: await listen(server), close: async () => void server.close() };
    });
    expect(await answers(viaExpress, () => true)).toEqual(expected);

    // Fastify: an `onRequest` hook hands the raw request over before Fastify parses the body.
    const viaFastify = await serve(async (api) => {
      const app = Fastify();
      app.addHook('onRequest', (request, reply, done) => {
        if (api(request.raw, reply.raw)) reply.hijack();
        else done();
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      return { port, close: () => app.close() };
    });
    expect(await answers(viaFastify, () => true)).toEqual(expected);
  });

  it('uses the body a framework already parsed (express.json(), Fastify routes)', async () => {
    const parsedOnly = (c: Case): boolean => c.raw !== true;
    const expected = await answers(await serve((api) => onHttp(api)()), parsedOnly);

    const viaExpressJson = await serve(async (api) => {
      const app = express();
      app.use(express.json());
      app.use(api);
      const server = createServer(app);
      return { port: await listen(server), close: async () => void server.close() };
    });
    expect(await answers(viaExpressJson, parsedOnly)).toEqual(expected);

    const viaFastifyRoute = await serve(async (api) => {
      const app = Fastify();
      const toApi = (
        request: { raw: Parameters<ApiHandler>[0]; body: unknown },
        reply: { hijack(): void; raw: Parameters<ApiHandler>[1] },
      ): void => {
        reply.hijack();
        api(Object.assign(request.raw, { body: request.body }), reply.raw);
      };
      app.all('/api', toApi);
      app.all('/api/*', toApi);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      return { port, close: () => app.close() };
    });
    expect(await answers(viaFastifyRoute, parsedOnly)).toEqual(expected);
  });
});
