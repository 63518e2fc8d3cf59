/** Test helpers: demo child processes, started and stopped within bounds (Redis, free ports and `waitFor` come from `@ws/testkit`). */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@ws/testkit';

/** apps/demo */
export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(DEMO_DIR, '../..');

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
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the demo exited with ${child.exitCode}:\n${out}`);
        // Refused or slow while it starts: not yet.
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(
          () => undefined,
        );
        return res?.status === 200;
      },
      {
        timeoutMs: options.timeoutMs ?? 90_000,
        intervalMs: 200,
        message: `the demo on port ${options.port} to answer /healthz`,
      },
    );
  } catch (err) {
    await proc.stop('SIGKILL');
    throw new Error(`${String(err)}\noutput:\n${out}`);
  }
  return proc;
}

/**
 * The environment of a demo instance in redis mode on `redisUrl` at `127.0.0.1:<port>`:
 * `PORT`, `HOST`, `REDIS_URL`, `REDIS_PREFIX` (`prefix`, the same on every instance of a test)
 * and `PUBLIC_URL`.
 */
export function redisInstanceEnv(
  redisUrl: string | undefined,
  port: number,
  prefix: string,
): Record<string, string | undefined> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
}

/** Waits (at most 30 s) until every demo answers `/readyz` with 200: Redis reached, running. */
export async function waitReady(demos: readonly DemoProcess[]): Promise<void> {
  for (const d of demos) {
    await waitFor(
      async () => (await fetch(`${d.url}/readyz`).catch(() => undefined))?.status === 200,
      { timeoutMs: 30_000, intervalMs: 200, message: `${d.url}/readyz` },
    );
  }
}
