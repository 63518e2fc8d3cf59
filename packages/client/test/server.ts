/**
 * Real servers for the integration tests: an HTTP server on 127.0.0.1 (port 0), a core manager
 * and `@ws/protocols`' `attach`. Tokens are `good-<user>`; every thread and direct message is
 * allowed. Also a `redis-server` owned by the test, for two instances over `@ws/scaling-redis`.
 */
import type { ClusterAdapter, Manager, ManagerOptions, PluginContext } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import type { AttachOptions } from '@ws/protocols/ws';
import { attach } from '@ws/protocols/ws';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RealServer {
  readonly manager: Manager;
  readonly port: number;
  /** `ws://127.0.0.1:<port>/ws` (no query). */
  readonly url: string;
  /** The manager's plugin context, to reach connections from the test. */
  readonly ctx: PluginContext;
  readonly http: Server;
  /** Stops accepting and closes the manager (drain or not), then the HTTP server. */
  close(options?: { drain?: boolean }): Promise<void>;
}

export interface RealServerOptions {
  readonly manager?: ManagerOptions;
  /** Builds the cluster adapter once the public URL is known. */
  readonly cluster?: (publicUrl: string) => ClusterAdapter;
  readonly attach?: Partial<AttachOptions>;
  /** Listen on this port (to restart a server where it was). */
  readonly port?: number;
}

export async function startServer(o: RealServerOptions = {}): Promise<RealServer> {
  const http = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}/ws`;
  const manager = createManager({
    logger: silentLogger(),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    ...(o.cluster === undefined ? {} : { cluster: o.cluster(url) }),
    ...o.manager,
  });
  const ctx = manager.use({ name: 'test-tap', setup: (c: PluginContext) => c });
  const handle = attach(manager, {
    server: http,
    authenticate: (_req, token) =>
      token?.startsWith('good-') === true ? { userId: token.slice(5) } : null,
    logger: silentLogger(),
    ...o.attach,
  });
  let closing: Promise<void> | undefined;
  return {
    manager,
    port,
    url,
    ctx,
    http,
    close(options = {}) {
      closing ??= (async () => {
        await manager.close({ drain: options.drain === true });
        await handle.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** A free TCP port on 127.0.0.1 (asked from the OS with port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 10 ms until true; throws with `what` after `timeoutMs` (bounded). */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 100_000; i++) {
    if (check()) return;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A `redis-server` process started and killed by the test. */
export interface RedisProcess {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const ready = async (): Promise<boolean> =>
    new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      const done = (ok: boolean): void => {
        sock.destroy();
        resolve(ok);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('error', () => done(false));
      sock.once('connect', () => sock.write('PING\r\n'));
      sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
    });
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < 1000 && !(await ready()); i++) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(20);
  }
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
