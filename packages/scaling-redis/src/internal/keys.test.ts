import type { InstanceId, ThreadId, UserId } from '@ws/core';
import { describe, expect, it } from 'vitest';
import { createKeys } from './keys.js';

/** The hash tag Redis Cluster would use: the first `{...}` with something inside. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('keys', () => {
  const k = createKeys('app:');

  it('puts every key and channel of one user, thread or instance in one slot', () => {
    const u = 'alice' as UserId;
    expect(new Set([k.userConns(u), k.userSeq(u), k.userChannel(u)].map(hashTag))).toEqual(
      new Set(['u:alice']),
    );
    const t = 'room:1' as ThreadId;
    expect(new Set([k.threadStream(t), k.threadMeta(t), k.threadChannel(t)].map(hashTag))).toEqual(
      new Set(['t:room:1']),
    );
    const i = 'node-1' as InstanceId;
    expect(hashTag(k.instanceUsers(i))).toBe('i:node-1');
    expect(hashTag(k.instances)).toBe(hashTag(k.alive));
  });

  it('encodes user ids so braces cannot escape the tag and distinct ids never collide', () => {
    const ids = ['a}b', 'a', 'a%7Db', '~a}b', 'a b', 'é', '{x}', 'a|b'];
    const keys = ids.map((id) => k.userConns(id as UserId));
    expect(new Set(keys).size).toBe(ids.length);
    for (const key of keys)
      expect(key.slice(key.indexOf('{') + 1, -'}:conns'.length)).not.toMatch(/[{}]/);
  });

  it('never puts a resume token in a key name', () => {
    const token = 'secret-token-value';
    expect(k.session(token)).not.toContain(token);
    expect(k.session(token)).toBe(k.session(token));
    expect(k.session(token)).not.toBe(k.session('other'));
  });
});
