/** Test helpers: free ports, a private redis-server, demo child processes. All bounded. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/demo */
export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(DEMO_DIR, '../..');

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** A port that was free a moment ago (never 6379). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 10; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (port !== 6379) return port;
  }
  throw new Error('no free port');
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws at the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const maxRounds = Math.ceil(timeoutMs / everyMs) + 10;
  let last: unknown;
  for (let i = 0; i < maxRounds && Date.now() < deadline; i++) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `/usr/bin/redis-server` on a free port, without persistence. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const child = spawn(
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
  const ping = (): Promise<boolean> =>
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
  try {
    await waitFor(
      'redis-server',
      async () => ((await ping()) ? true : child.exitCode !== null ? false : undefined),
      15_000,
      50,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child, 'SIGKILL'),
  };
}

/** Signals a child (its process group when it leads one) and waits for it to exit, SIGKILL after 15 s. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  group = false,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (sig: NodeJS.Signals): void => {
    try {
      if (group) process.kill(-pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  send(signal);
  const timer = setTimeout(() => send('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export interface DemoProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once it exits. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns a demo process and waits until `/healthz` answers. `command` defaults to running
 * `src/main.ts` directly with node + tsx (one process, so a signal reaches the demo itself);
 * with `group`, the child leads its own process group and `stop` signals the whole group.
 */
export async function spawnDemo(options: {
  readonly env: Record<string, string | undefined>;
  readonly port: number;
  readonly command?: readonly [string, ...string[]];
  readonly cwd?: string;
  readonly group?: boolean;
  readonly timeoutMs?: number;
}): Promise<DemoProcess> {
  const [cmd, ...args] = options.command ?? [
    process.execPath,
    '--conditions=@ws/source',
    '--import',
    'tsx',
    'src/main.ts',
  ];
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...options.env }))
    if (v !== undefined) env[k] = v;
  const child = spawn(cmd, args, {
    cwd: options.cwd ?? DEMO_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const proc: DemoProcess = {
    child,
    port: options.port,
    url,
    output: () => out,
    exited,
    stop: (signal = 'SIGTERM') => stopChild(child, signal, options.group === true),
  };
  try {
    await waitFor(
      `the demo on port ${options.port} to answer /healthz`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the demo exited with ${child.exitCode}:\n${out}`);
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? true : undefined;
      },
      options.timeoutMs ?? 90_000,
      200,
    );
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`${String(err)}\noutput:\n${out}`);
  }
  return proc;
}
