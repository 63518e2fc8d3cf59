/**
 * Runner side of a server under test: spawns it (its own process, `ulimit -n` raised, GC exposed,
 * workspace packages from source through tsx), reads its port, and sends control commands.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { serverEntries } from './build.js';

export type ServerKind = 'ours' | 'raw' | 'sio';

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly port: number;
  readonly pid: number;
  request(
    cmd: string,
    extra?: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  cpuStart(): Promise<void>;
  /** CPU microseconds (user + system) since the last cpuStart. */
  cpuStop(): Promise<{ cpuUs: number; userUs: number; systemUs: number; wallUs: number }>;
  /** RSS and JS heap used after two full GCs, in bytes. */
  gcRss(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
  /** The last lines the server wrote to stderr. */
  stderrTail(): string;
}

/** Every child the runner started, so an abort can kill them all. */
export interface ChildRegistry {
  readonly children: Set<ChildProcess>;
}

export interface SpawnOptions {
  /** Where `buildServers` put the bundles. */
  readonly buildDir: string;
  readonly env?: Record<string, string>;
  /** Directory for per-phase CPU profiles (inspector Profiler); none when undefined. */
  readonly profileDir?: string | undefined;
  readonly readyTimeoutMs?: number;
  /** Another bundle of `buildDir` to run (its base name), e.g. the emitter benchmark's publisher. */
  readonly entry?: string;
}

function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
}

export async function spawnServer(
  registry: ChildRegistry,
  kind: ServerKind,
  options: SpawnOptions,
): Promise<ServerHandle> {
  const file = `${options.buildDir}${options.entry ?? serverEntries[kind]}.mjs`;
  const benchDir = fileURLToPath(new URL('..', import.meta.url));
  // BENCH_SERVER_NODE_FLAGS: extra V8/Node flags for every server (experiments, e.g.
  // `--single-threaded-gc`); the same for every server kind, so ratios stay fair.
  const extra = (process.env.BENCH_SERVER_NODE_FLAGS ?? '')
    .split(/\s+/)
    .filter((f) => /^--[\w-]+(=[\w.-]+)?$/.test(f));
  const nodeArgs = ['--expose-gc', '--enable-source-maps', ...extra];
  const script = `ulimit -n 20000 2>/dev/null; exec "${process.execPath}" ${nodeArgs.join(' ')} "$0"`;
  const child = spawn('bash', ['-c', script, file], {
    cwd: benchDir,
    env: {
      ...process.env,
      ...options.env,
      ...(options.profileDir ? { BENCH_PROFILE_DIR: options.profileDir } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  registry.children.add(child);
  child.on('exit', () => registry.children.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  child.stdin.on('error', () => {});
  const pending = new Map<number, (value: Record<string, unknown>) => void>();
  let nextId = 1;
  let ready: ((value: { port: number; pid: number }) => void) | undefined;
  const readyPromise = new Promise<{ port: number; pid: number }>((resolve) => {
    ready = resolve;
  });
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.ready === true) {
      ready?.({ port: Number(msg.port), pid: Number(msg.pid) });
      return;
    }
    const id = Number(msg.id);
    const resolve = pending.get(id);
    if (resolve) {
      pending.delete(id);
      resolve(msg);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const info = await Promise.race([
    readyPromise,
    exited.then(() => {
      throw new Error(`${kind} server exited before it was ready: ${stderr.trim().slice(-800)}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${kind} server not ready within ${readyTimeoutMs} ms: ${stderr.trim().slice(-800)}`,
            ),
          ),
        readyTimeoutMs,
      );
    }),
  ]).catch((err: unknown) => {
    killTree(child);
    throw err;
  });
  clearTimeout(timer);

  const request = async (
    cmd: string,
    extra: Record<string, unknown> = {},
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> => {
    const id = nextId++;
    let t: NodeJS.Timeout | undefined;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      pending.set(id, resolve);
      t = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${kind} server did not answer "${cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      void exited.then(() => {
        pending.delete(id);
        reject(new Error(`${kind} server exited during "${cmd}": ${stderr.trim().slice(-800)}`));
      });
    });
    child.stdin.write(`${JSON.stringify({ id, cmd, ...extra })}\n`);
    try {
      const msg = await answer;
      if (typeof msg.error === 'string') throw new Error(`${kind} server: ${msg.error}`);
      return msg;
    } finally {
      clearTimeout(t);
    }
  };

  return {
    kind,
    port: info.port,
    pid: info.pid,
    request,
    async cpuStart() {
      await request('cpu-start');
    },
    async cpuStop() {
      const m = await request('cpu-stop');
      return {
        cpuUs: Number(m.cpuUs),
        userUs: Number(m.userUs),
        systemUs: Number(m.systemUs),
        wallUs: Number(m.wallUs),
      };
    },
    async gcRss() {
      const m = await request('gc-rss');
      if (m.gc !== true) throw new Error(`${kind} server runs without --expose-gc`);
      return { rss: Number(m.rss), heapUsed: Number(m.heapUsed) };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.write(`${JSON.stringify({ id: 0, cmd: 'exit' })}\n`);
      child.stdin.end();
      let t: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((r) => (t = setTimeout(r, 8000)))]);
      clearTimeout(t);
      killTree(child);
    },
    stderrTail: () => stderr,
  };
}

/** Kills every child still running (abort path). */
export function killAll(registry: ChildRegistry): void {
  for (const child of registry.children) killTree(child);
}
