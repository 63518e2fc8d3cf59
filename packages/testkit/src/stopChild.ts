import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process: SIGTERM, then SIGKILL if it has not exited within `killAfterMs`.
 * Resolves with its exit code (`null` when a signal ended it); at once if it already exited.
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  killAfterMs = 10_000,
): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
