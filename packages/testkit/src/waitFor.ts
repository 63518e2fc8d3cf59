import { sleep } from './sleep.js';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** How long to keep checking, in milliseconds. @default 5000 */
  readonly timeoutMs?: number;
  /** The pause between two checks, in milliseconds. @default 10 */
  readonly intervalMs?: number;
  /**
   * What is awaited, for the timeout error: `timed out after <timeoutMs> ms waiting for <message>`.
   * A function is called only on timeout (to show the state at that moment).
   * @default 'the condition'
   */
  readonly message?: string | (() => string);
}

/** The values of `T` that end the wait. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `predicate` every `intervalMs` until it returns (or resolves to) a truthy value, and
 * resolves with that value. Checks once more at the deadline, then throws
 * `timed out after <timeoutMs> ms waiting for <message>`. An error thrown by `predicate` ends the
 * wait at once (it is not retried). Bounded by `timeoutMs` plus one predicate call.
 */
export async function waitFor<T>(
  predicate: () => T | PromiseLike<T>,
  options: WaitForOptions = {},
): Promise<Truthy<Awaited<T>>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as Truthy<Awaited<T>>;
    const left = deadline - performance.now();
    if (left <= 0) {
      const what = typeof options.message === 'function' ? options.message() : options.message;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what ?? 'the condition'}`);
    }
    await sleep(Math.min(intervalMs, left));
  }
}
