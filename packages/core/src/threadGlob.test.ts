import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWsError } from './errors.js';
import { threadGlob } from './threadGlob.js';
import { threadGlobOverlap } from './threadGlobOverlap.js';

/** An independent reading of the glob rules, as a RegExp (fine for the short ids tested here). */
function reference(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*') source += (pattern[i] as string).replace(/[.-]/g, '\\$&');
    else if (pattern[i + 1] === '*') {
      source += '[A-Za-z0-9:_\\-.@]*';
      i++;
    } else source += '[A-Za-z0-9_\\-.@]+';
  }
  return new RegExp(`^(?=[A-Za-z0-9:_\\-.@]{1,128}$)${source}$`);
}

/** Every string over `chars` of length 1 to `max`. */
function allStrings(chars: string, max: number): string[] {
  const out: string[] = [];
  let level = [''];
  for (let n = 1; n <= max; n++) {
    level = level.flatMap((s) => [...chars].map((c) => s + c));
    out.push(...level);
  }
  return out;
}

function refusal(run: () => unknown): { code: unknown; message: string } {
  try {
    run();
  } catch (err) {
    if (isWsError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('accepted');
}

describe('threadGlob', () => {
  it('`*` is one non-empty segment, `**` anything, the rest literal', () => {
    const chat = threadGlob('chat:*');
    expect(chat.pattern).toBe('chat:*');
    expect(chat.matches('chat:lobby')).toBe(true);
    expect(chat.matches('chat:a:b')).toBe(false);
    expect(chat.matches('chat:')).toBe(false);
    expect(chat.matches('chat')).toBe(false);
    expect(chat.matches('xchat:lobby')).toBe(false);
    const deep = threadGlob('chat:**');
    for (const t of ['chat:', 'chat:a', 'chat:a:b:c']) expect(deep.matches(t)).toBe(true);
    expect(deep.matches('chat')).toBe(false);
    const middle = threadGlob('a:*:b');
    expect(middle.matches('a:x:b')).toBe(true);
    expect(middle.matches('a:x:y:b')).toBe(false);
    expect(middle.matches('a::b')).toBe(false);
    const inSegment = threadGlob('user-*');
    expect(inSegment.matches('user-1')).toBe(true);
    expect(inSegment.matches('user-')).toBe(false);
    expect(inSegment.matches('user-1:x')).toBe(false);
    expect(threadGlob('a:**:z').matches('a::z')).toBe(true);
    expect(threadGlob('a:**:z').matches('a:b:c:z')).toBe(true);
  });

  it('a literal glob matches itself only; dots and dashes are literal', () => {
    const g = threadGlob('room.1-a@x');
    expect(g.matches('room.1-a@x')).toBe(true);
    expect(g.matches('roomx1-a@x')).toBe(false);
  });

  it('matches thread ids only', () => {
    const all = threadGlob('**');
    expect(all.matches('x')).toBe(true);
    expect(all.matches('')).toBe(false);
    expect(all.matches('a b')).toBe(false);
    expect(all.matches('a'.repeat(128))).toBe(true);
    expect(all.matches('a'.repeat(129))).toBe(false);
    expect(threadGlob('a b'.replace(' ', '')).matches('a b')).toBe(false);
  });

  it('does not backtrack on globs with many stars', () => {
    const g = threadGlob('**a**a**a**a**a**a**b');
    expect(g.matches('a'.repeat(128))).toBe(false);
    expect(threadGlob('*a*a*a*a*a*b').matches('a'.repeat(128))).toBe(false);
  });

  it.each([
    ['', 'non-empty string'],
    ['chat lobby', 'thread id characters'],
    ['chat:{id}', 'thread id characters'],
    ['chat:***', 'three `*`'],
    ['a'.repeat(129), 'matches no thread id'],
    ['*:'.repeat(65), 'matches no thread id'],
    ['**'.repeat(129), 'over 256 characters'],
  ])('refuses %j with invalid_options naming it', (pattern, why) => {
    const err = refusal(() => threadGlob(pattern));
    expect(err.code).toBe('invalid_options');
    expect(err.message).toContain(why);
    if (pattern !== '') expect(err.message).toContain(JSON.stringify(pattern));
  });

  it('refuses a pattern that is not a string', () => {
    expect(refusal(() => threadGlob(3 as unknown as string)).code).toBe('invalid_options');
  });

  it('agrees with a reference reading on random globs and ids', () => {
    const glob = fc
      .array(fc.constantFrom('a', 'b', ':', '-', '*', '**'), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''))
      .filter((p) => !p.includes('***'));
    const id = fc
      .array(fc.constantFrom('a', 'b', 'c', ':', '-'), { minLength: 0, maxLength: 10 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(glob, id, (p, t) => {
        expect(threadGlob(p).matches(t)).toBe(reference(p).test(t));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('threadGlobOverlap', () => {
  it.each([
    ['chat:*', 'chat:**', true],
    ['chat:*', 'dm:*', false],
    ['a:*', '*:b', true],
    ['*', 'a:b', false],
    ['*', 'a', true],
    ['**', 'x:y:z', true],
    ['a*', '*b', true],
    ['chat:*', 'chat:*:x', false],
    ['chat:*', 'chat', false],
    ['chat:**', 'chat', false],
    ['chat:**', 'chat:', true],
    ['a:*', 'a:*:*', false],
    ['*:b', 'a:*:*', false],
    ['user-*', 'user:*', false],
    ['lobby', 'lobby', true],
  ])('%s and %s: %s', (a, b, overlap) => {
    const w = threadGlobOverlap(a, b);
    expect(w !== undefined).toBe(overlap);
    expect(threadGlobOverlap(b, a) !== undefined).toBe(overlap);
    if (w !== undefined) {
      expect(threadGlob(a).matches(w)).toBe(true);
      expect(threadGlob(b).matches(w)).toBe(true);
    }
  });

  it('gives a shortest witness', () => {
    expect(threadGlobOverlap('a:*', '*:b')).toBe('a:b');
    expect(threadGlobOverlap('chat:**', 'chat:')).toBe('chat:');
  });

  it('counts only thread ids: a common match over 128 characters is no overlap', () => {
    expect(threadGlobOverlap(`${'a'.repeat(65)}**`, `**${'b'.repeat(64)}`)).toBeUndefined();
    const w = threadGlobOverlap(`${'a'.repeat(64)}**`, `**${'b'.repeat(64)}`);
    expect(w).toBe('a'.repeat(64) + 'b'.repeat(64));
  });

  it('refuses a bad glob with invalid_options naming it', () => {
    const err = refusal(() => threadGlobOverlap('chat:*', 'chat:***'));
    expect(err.code).toBe('invalid_options');
    expect(err.message).toContain('"chat:***"');
  });

  /**
   * Brute force: with at most k literal-or-`*` tokens in each glob, a shortest common id has at
   * most k + k characters (a character that leaves both automata in a loop can be dropped), over
   * the globs' literals, `:` and one other character. Every such string is tried.
   */
  function checkAgainstBruteForce(tokens: string[], maxTokens: number, chars: string): void {
    const ids = allStrings(chars, 2 * maxTokens);
    const glob = fc
      .array(fc.constantFrom(...tokens), { minLength: 1, maxLength: maxTokens })
      .map((parts) => parts.join(''))
      .filter((p) => !p.includes('***'));
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        const ra = reference(a);
        const rb = reference(b);
        const shortest = ids.find((t) => ra.test(t) && rb.test(t));
        const w = threadGlobOverlap(a, b);
        expect(w === undefined).toBe(shortest === undefined);
        if (w !== undefined && shortest !== undefined) {
          expect(ra.test(w) && rb.test(w)).toBe(true);
          expect(w.length).toBe(shortest.length);
        }
      }),
      { numRuns: 400 },
    );
  }

  it('agrees with brute force (globs of up to 3 tokens over a, b, :)', () => {
    checkAgainstBruteForce(['a', 'b', ':', '*', '**'], 3, 'ab:c');
  });

  it('agrees with brute force (globs of up to 4 tokens over a, :)', () => {
    checkAgainstBruteForce(['a', ':', '*', '**'], 4, 'a:c');
  });
});
