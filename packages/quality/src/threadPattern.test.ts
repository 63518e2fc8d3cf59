import { describe, expect, it } from 'vitest';
import { compileThreadPattern } from './threadPattern.js';

describe('compileThreadPattern', () => {
  it.each([
    ['chat:*', 'chat:lobby', true],
    ['chat:*', 'chat:', true],
    ['chat:*', 'chat:a:b', false],
    ['chat:*', 'xchat:a', false],
    ['chat:**', 'chat:a:b', true],
    ['*:ops', 'eu:ops', true],
    ['*:ops', 'eu:ops:1', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['user-@x', 'user-@x', true],
  ])('%s against %s: %s', (pattern, thread, expected) => {
    expect(compileThreadPattern(pattern)(thread)).toBe(expected);
  });

  it('uses a RegExp as given, without lastIndex state for /g', () => {
    const m = compileThreadPattern(/^ops:/g);
    expect([m('ops:1'), m('ops:2'), m('ops:3'), m('x')]).toEqual([true, true, true, false]);
  });

  it('refuses an empty pattern', () => {
    expect(() => compileThreadPattern('')).toThrow(
      'a thread pattern is a non-empty string or a RegExp',
    );
  });
});
