/**
 * Starts an example (or any package whose `src/main.ts` prints `listening on <url>`) as its own
 * process, the way its README's `start` script does, on a free port.
 */
import { spawn } from 'node:child_process';
import { stopChild } from './stopChild.js';

/** A started example process. */
export interface ExampleProcess {
  /** The URL it printed (`http://<host>:<port>`). */
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
}

/**
 * Runs `node --conditions=@ws/source --import tsx src/main.ts` in `dir` with `PORT=0`, and resolves
 * once it printed `listening on <url>`; rejects (with its output) when it exits first or prints
 * nothing within `timeoutMs` (default 30 s).
 */
export function startExample(dir: string, timeoutMs = 30_000): Promise<ExampleProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@ws/source', '--import', 'tsx', 'src/main.ts'],
    { cwd: dir, env: { ...process.env, PORT: '0', HOST: '127.0.0.1' }, stdio: 'pipe' },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const stop = (): Promise<number | null> => stopChild(child, exited);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${dir} printed no URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(output);
      if (found?.[1] === undefined) return;
      clearTimeout(timer);
      const url = found[1];
      resolve({ url, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${dir} exited with ${String(code)} before listening:\n${output}`));
    });
  });
}
