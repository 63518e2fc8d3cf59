import { once } from 'node:events';
import type { RequestListener, Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Manager, ManagerOptions } from '@ws/core';
import { createManager } from '@ws/core';
import { apiHandler } from '../handler.js';
import type { ApiHandlerOptions } from '../options.js';

/** The test keys: `admin` has every scope, `reader` only `read`. */
export const testKeys = Object.freeze({
  admin: 'admin-key-0123456789',
  reader: 'reader-key-0123456789',
});

/** An HTTP answer as the tests read it. */
export interface CallAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** A request: the key (`null`: no Authorization header; default admin's), the body and its type. */
export interface CallOptions {
  readonly key?: string | null;
  readonly body?: string;
  readonly type?: string;
}

/** Calls `127.0.0.1:port` and reads the whole JSON answer. */
export function callApi(
  port: number,
  target: { method: string; path: string },
  opts: CallOptions = {},
): Promise<CallAnswer> {
  return new Promise((resolve, reject) => {
    const key = opts.key === undefined ? testKeys.admin : opts.key;
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (opts.body !== undefined) headers['content-type'] = opts.type ?? 'application/json';
    const req = request({ host: '127.0.0.1', port, ...target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text === '' ? {} : (JSON.parse(text) as CallAnswer['body']),
        });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Listens on a free loopback port; resolves to the port. */
export async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A running API on a plain `http` server. */
export interface TestApi {
  readonly manager: Manager;
  readonly port: number;
  call(method: string, path: string, opts?: CallOptions): Promise<CallAnswer>;
  close(): Promise<void>;
}

/** What {@link startApi} is given. */
export interface StartApiOptions {
  readonly api?: Partial<ApiHandlerOptions>;
  readonly manager?: ManagerOptions;
}

/** A manager with the API at `/api` (keys admin and reader) on a plain `http` server. */
export async function startApi(options: StartApiOptions = {}): Promise<TestApi> {
  const manager = createManager(options.manager ?? {});
  const handler = apiHandler(manager, {
    keys: [
      { name: 'admin', key: testKeys.admin },
      { name: 'reader', key: testKeys.reader, scopes: ['read'] },
    ],
    ...options.api,
  });
  const listener: RequestListener = (req, res) => {
    if (!handler(req, res)) res.writeHead(418).end();
  };
  const server = createServer(listener);
  const port = await listen(server);
  return {
    manager,
    port,
    call: (method, path, opts) => callApi(port, { method, path }, opts),
    async close() {
      server.closeAllConnections();
      server.close();
      await manager.close();
    },
  };
}
