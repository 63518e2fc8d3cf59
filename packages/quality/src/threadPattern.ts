import { WsError } from '@ws/core';

/**
 * A thread pattern: a RegExp, or a glob over thread ids where `*` matches any run of characters
 * except `:` (one segment), `**` matches anything (`:` included), and every other character
 * matches itself. `'chat:*'` matches `chat:lobby` but not `chat:a:b`; `'chat:**'` matches both.
 */
export type ThreadPattern = string | RegExp;

/** Compiles a {@link ThreadPattern} to a predicate over thread ids. */
export function compileThreadPattern(pattern: ThreadPattern): (threadId: string) => boolean {
  if (pattern instanceof RegExp) {
    // A global or sticky RegExp keeps lastIndex between calls; test a stateless copy.
    const re =
      pattern.global || pattern.sticky
        ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
        : pattern;
    return (threadId) => re.test(threadId);
  }
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new WsError('invalid_options', 'a thread pattern is a non-empty string or a RegExp');
  }
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^:]*';
      }
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const re = new RegExp(`${source}$`);
  return (threadId) => re.test(threadId);
}
