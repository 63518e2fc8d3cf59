import { isThreadId } from './ids.js';
import { parseGlob, runGlob } from './internal/globProgram.js';

/**
 * A compiled thread glob: core's one matcher of thread ids. In a glob, `*` matches one or more
 * characters other than `:` (one `:`-separated segment, or the rest of one: `'chat:*'`,
 * `'user-*'`), `**` matches any run of characters, `:` included, possibly none, and every other
 * character matches itself. `'chat:*'` matches `chat:lobby` but neither `chat:a:b` nor `chat:`;
 * `'chat:**'` matches all three. Only thread ids match (1-128 characters of
 * `A-Za-z0-9 : _ - . @`).
 */
export interface ThreadGlob {
  /** The glob as written. */
  readonly pattern: string;
  /** True when `thread` is a thread id the glob matches. */
  matches(thread: string): boolean;
}

/**
 * Compiles a thread glob (see {@link ThreadGlob}). A glob is 1-256 characters of thread id
 * characters and `*`, holds no `***`, and matches some thread id; otherwise this throws
 * `WsError('invalid_options')` naming the pattern. Matching runs an automaton (no backtracking),
 * linear in the thread id's length.
 */
export function threadGlob(pattern: string): ThreadGlob {
  const program = parseGlob(pattern);
  const matches = pattern.includes('*')
    ? (thread: string): boolean => isThreadId(thread) && runGlob(program, thread)
    : (thread: string): boolean => thread === pattern && isThreadId(thread);
  return Object.freeze({ pattern, matches });
}
