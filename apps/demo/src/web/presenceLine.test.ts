import { describe, expect, it } from 'vitest';
import { presenceLine } from './presenceLine.js';

const at = (users: string[], countsOnly = false, count = users.length) =>
  presenceLine({ thread: 'lobby', count, users, countsOnly });

describe('presenceLine', () => {
  it('names the users, sorted, and counts the rest past five', () => {
    expect(at(['bob', 'alice'])).toBe('online: alice, bob');
    expect(at(['g', 'f', 'e', 'd', 'c', 'b', 'a'])).toBe('online: a, b, c, d, e (+2)');
  });

  it('says how many when the server sends counts only', () => {
    expect(at([], true, 1500)).toBe('1500 online');
  });
});
