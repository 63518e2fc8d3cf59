import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisServerBinary } from './findBinary.js';
import { freePort } from './freePort.js';
import { redisCommand, redisPing } from './redisCommand.js';
import { waitFor } from './waitFor.js';

/** How long a start may take before it fails (a loaded 2-core machine, AOF to load). */
const START_TIMEOUT_MS = 15_000;
/** How many fresh ports a first start tries when no port was asked for (another process may take one). */
const START_ATTEMPTS = 3;
/** How much of the process's output a failed start shows. */
const OUTPUT_TAIL = 4000;

/** A `redis-server` process on 127.0.0.1, owned by a test. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its own directory (AOF files, a cluster node's `nodes.conf`); `stop()` removes it. */
  readonly dir: string;
  /** Whether its process runs now. */
  readonly running: boolean;
  /** Starts it (again) on the same port and directory and waits until it answers PING; nothing if it runs. */
  start(): Promise<void>;
  /** SIGKILL (`kill -9`): no shutdown, no save; what AOF already wrote stays. Nothing if it does not run. */
  kill(): Promise<void>;
  /** `kill()` then `start()`: the same port and directory, so AOF data is loaded again. */
  restart(): Promise<void>;
  /** FLUSHALL: every key of every database is gone. */
  flush(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link createRedisServer}. */
export interface RedisServerOptions {
  /** Listen here (to start again where a client expects it). @default a free port */
  readonly port?: number;
  /** `--appendonly yes` with `--appendfsync always`: a kill -9 loses nothing acknowledged. @default false */
  readonly appendonly?: boolean;
  /** Extra arguments after the defaults (cluster mode, `--protected-mode no`, ...). */
  readonly args?: readonly string[];
  /** Start now. @default true */
  readonly start?: boolean;
  /** Called with every process it spawns (a runner that kills its children on abort tracks them). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  exitedNow: boolean;
  output: string;
}

function argsOf(port: number, dir: string, options: RedisServerOptions): string[] {
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
    ...['--appendonly', options.appendonly === true ? 'yes' : 'no', '--appendfsync', 'always'],
    ...['--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
    ...(options.args ?? []),
  ];
}

function spawnRedis(bin: string, args: readonly string[]): Running {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let markExited = (): void => {};
  const exited = new Promise<void>((resolve) => (markExited = resolve));
  const running: Running = { child, exited, exitedNow: false, output: '' };
  const onExit = (): void => {
    running.exitedNow = true;
    markExited();
  };
  child.once('exit', onExit);
  child.once('error', (err) => {
    running.output += `\n${err.message}`;
    onExit();
  });
  const keep = (chunk: Buffer): void => {
    running.output = (running.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return running;
}

async function awaitReady(running: Running, port: number): Promise<void> {
  await waitFor(
    async () => {
      if (running.exitedNow)
        throw new Error(`redis-server on ${port} exited at start:\n${running.output}`);
      return redisPing(port);
    },
    {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: 50,
      message: () => `redis-server on ${port} to answer PING; its output:\n${running.output}`,
    },
  );
}

function createOne(port: number, options: RedisServerOptions): RedisServer {
  const bin = redisServerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'ws-redis-'));
  let current: Running | undefined;

  const kill = async (): Promise<void> => {
    const running = current;
    if (running === undefined) return;
    current = undefined;
    if (!running.exitedNow) running.child.kill('SIGKILL');
    await running.exited;
  };
  const start = async (): Promise<void> => {
    if (current !== undefined && !current.exitedNow) return;
    const running = spawnRedis(bin, argsOf(port, dir, options));
    current = running;
    options.onSpawn?.(running.child);
    try {
      await awaitReady(running, port);
    } catch (err) {
      await kill();
      throw err;
    }
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get running() {
      return current !== undefined && !current.exitedNow;
    },
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    async flush() {
      const reply = await redisCommand(port, ['FLUSHALL'], { timeoutMs: 5000 });
      if (reply !== '+OK') throw new Error(`FLUSHALL on ${port} answered ${String(reply)}`);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a `redis-server` on 127.0.0.1 with its own temporary directory and no RDB snapshots,
 * and by default starts it (until it answers PING, 15 s at most). Without `port`, a first start
 * that fails is retried on a fresh free port (3 tries). Throws, with the install command, when
 * no `redis-server` binary exists: a test that needs Redis fails, it never skips.
 */
export async function createRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const server = createOne(options.port ?? (await freePort()), options);
    if (options.start === false) return server;
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.stop();
      if (options.port !== undefined || attempt >= START_ATTEMPTS) throw err;
    }
  }
}
