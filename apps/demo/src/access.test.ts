import type { ThreadId, UserId } from '@ws/core';
import { describe, expect, it } from 'vitest';
import { createAccessRules } from './access.js';
import { dmThread, isUserName } from './names.js';

const rules = createAccessRules(new Set(['root']));
const can = (user: string, thread: string): boolean =>
  rules.authorizeThread(user as UserId, thread as ThreadId);

describe('access rules', () => {
  it('dm:<a>:<b> (sorted) is private to a and b', () => {
    expect(can('alice', 'dm:alice:bob')).toBe(true);
    expect(can('bob', 'dm:bob:alice')).toBe(false); // not sorted
    expect(can('alice', 'dm:alice:carol')).toBe(true);
    expect(can('carol', 'dm:alice:carol')).toBe(true);
    expect(can('bob', 'dm:alice:carol')).toBe(false);
    expect(can('root', 'dm:alice:carol')).toBe(false); // admins too
    expect(can('alice', 'dm:bob:alice')).toBe(false);
    expect(can('alice', 'dm:alice:alice')).toBe(false);
    expect(can('alice', 'dm:alice')).toBe(false);
    expect(can('alice', 'dm:alice:carol:x')).toBe(false);
    expect(can('alice', 'dm:Alice:carol')).toBe(false);
  });

  it('ops:* is for ADMIN_USERS only', () => {
    expect(can('root', 'ops:quality')).toBe(true);
    expect(can('alice', 'ops:quality')).toBe(false);
    expect(
      createAccessRules(new Set()).authorizeThread('root' as UserId, 'ops:x' as ThreadId),
    ).toBe(false);
  });

  it('every other thread name is public', () => {
    for (const t of ['lobby', 'random', 'dm', 'dmx:alice:bob', 'ops', 'team:ops:x'])
      expect(can('bob', t)).toBe(true);
  });

  it('direct messages: any logged-in user to any valid user name', () => {
    expect(rules.authorizeDirect('alice' as UserId, 'bob' as UserId)).toBe(true);
    expect(rules.authorizeDirect('alice' as UserId, 'Bob' as UserId)).toBe(false);
  });

  it('presence: the users who may be in the thread', () => {
    const sees = (user: string, thread: string): boolean =>
      rules.authorizePresence(user as UserId, thread as ThreadId);
    expect(sees('bob', 'lobby')).toBe(true);
    expect(sees('alice', 'dm:alice:carol')).toBe(true);
    expect(sees('carol', 'dm:alice:carol')).toBe(true);
    expect(sees('bob', 'dm:alice:carol')).toBe(false);
    expect(sees('root', 'ops:quality')).toBe(true);
    expect(sees('alice', 'ops:quality')).toBe(false);
  });

  it('user names and dm thread names', () => {
    expect(['a', 'a-b_c9', 'x'.repeat(32)].map(isUserName)).toEqual([true, true, true]);
    expect(['', 'A', 'x'.repeat(33), 'a b', 'a:b', 'é', 42, null].map(isUserName)).toEqual(
      Array(8).fill(false),
    );
    expect(dmThread('bob', 'alice')).toBe('dm:alice:bob');
    expect(dmThread('alice', 'bob')).toBe('dm:alice:bob');
  });
});
