import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@ws/testkit';

// The repository root, where `tsx` is installed: node itself runs the child (killing a `tsx`
// wrapper would leave its node process alive).
const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A test script running in its own node process (to be SIGKILLed). */
export interface TestChild {
  readonly child: ChildProcess;
  /** What it wrote to stdout so far. */
  output(): string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts `test/<script>` with `args` and waits (20 s at most) until it prints `ready`. */
export async function startChild(script: string, args: readonly string[]): Promise<TestChild> {
  const file = path.resolve(import.meta.dirname, script);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@ws/source', file, ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const kill = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(() => out.includes('ready'), {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: `${script} to print ready`,
    });
  } catch (err) {
    await kill();
    throw err;
  }
  return { child, output: () => out, kill };
}
