import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REDIS_BIN = '/usr/bin/redis-server';

/** A free TCP port on 127.0.0.1 (asked from the OS with port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it is true; false after `timeoutMs` (bounded). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  everyMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000; i++) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
  return false;
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A `redis-server` process owned by a test. */
export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** Starts it (again) on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no save (AOF data already written stays). */
  kill(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** Options of a test Redis. */
export interface RedisServerOptions {
  readonly port?: number;
  readonly appendonly?: boolean;
  /** Extra arguments, e.g. cluster mode. */
  readonly args?: readonly string[];
  /** Start now. @default true */
  readonly start?: boolean;
}

/** Creates (and by default starts) a `redis-server` on a free port with its own directory. */
export async function createRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'ws-redis-'));
  let proc: ChildProcess | undefined;

  const exited = (p: ChildProcess): Promise<void> =>
    p.exitCode !== null || p.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => p.once('exit', () => r()));

  const server: RedisServer = {
    port,
    dir,
    async start() {
      if (proc !== undefined) return;
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        options.appendonly === true ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...(options.args ?? []),
      ];
      const p = spawn(REDIS_BIN, args, { stdio: 'ignore' });
      proc = p;
      p.once('exit', () => {
        if (proc === p) proc = undefined;
      });
      if (!(await waitFor(() => ping(port), 10_000, 50)))
        throw new Error(`redis-server on ${port} did not start`);
    },
    async kill() {
      const p = proc;
      if (p === undefined) return;
      proc = undefined;
      p.kill('SIGKILL');
      await exited(p);
    },
    async stop() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.start !== false) await server.start();
  return server;
}

/** A TCP proxy that can stop forwarding (a partition) and resume. */
export interface PartitionProxy {
  readonly port: number;
  /** Stops forwarding in both directions (bytes wait, as in a real partition with TCP retries). */
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port in front of `targetPort`. */
export async function createPartitionProxy(targetPort: number): Promise<PartitionProxy> {
  let cut = false;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    if (cut) {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    partition() {
      cut = true;
      for (const [a, b] of pairs) {
        a.unpipe(b);
        b.unpipe(a);
        a.pause();
        b.pause();
      }
    },
    heal() {
      cut = false;
      for (const [a, b] of pairs) {
        a.pipe(b);
        b.pipe(a);
        a.resume();
        b.resume();
      }
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
