/** Child processes for the tests: instances and the worker, each run as its README says. */
import { spawn } from 'node:child_process';
import { stopChild } from '@ws/testkit';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example's directory. */
export const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A started child process. */
export interface Child {
  output(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `node --conditions=@ws/source --import tsx <script>` in the example with `env` added. */
export function runScript(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--conditions=@ws/source', '--import', 'tsx', script], {
    cwd: exampleDir,
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    output: () => output,
    exited,
    stop: () => stopChild(child, exited),
  };
}

/** A started instance (`test/instance.ts`). */
export interface Instance extends Child {
  /** `ws://<host>:<port>/ws`. */
  readonly wsUrl: string;
}

/** Starts an instance and resolves once it listens (rejects with its output otherwise). */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = runScript('test/instance.ts', { PORT: '0', HOST: '127.0.0.1', ...env });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = /listening on http:\/\/(\S+)/.exec(child.output());
    if (found?.[1] !== undefined) return { ...child, wsUrl: `ws://${found[1]}/ws` };
    const code = await Promise.race([
      child.exited,
      new Promise<'wait'>((r) => setTimeout(() => r('wait'), 50)),
    ]);
    if (code !== 'wait')
      throw new Error(`instance exited with ${String(code)}:\n${child.output()}`);
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`instance did not listen within 60 s:\n${child.output()}`);
    }
  }
}
