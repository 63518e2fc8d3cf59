import { describe, expect, it } from 'vitest';
import type { UserId } from '../ids.js';
import type { ConnRecord, ManagerState } from './state.js';
import { addUserConnection, removeUserConnection, userConnections } from './users.js';

const alice = 'alice' as UserId;
const rec = (id: string): ConnRecord =>
  ({ id, userId: alice, socket: {} }) as unknown as ConnRecord;
const stateWithUsers = (): ManagerState =>
  ({ users: new Map<UserId, ConnRecord | Set<ConnRecord>>() }) as unknown as ManagerState;

describe('per-user connection index', () => {
  it('keeps one connection as the record itself, a Set from the second, and back', () => {
    const state = stateWithUsers();
    const [a, b, c] = [rec('a'), rec('b'), rec('c')];
    expect(userConnections(state, alice)).toBeUndefined();
    expect(addUserConnection(state, a)).toBe(true);
    expect(state.users.get(alice)).toBe(a);
    expect([...(userConnections(state, alice) ?? [])]).toEqual([a]);
    expect(addUserConnection(state, a)).toBe(false);
    expect(state.users.get(alice)).toBe(a);
    expect(addUserConnection(state, b)).toBe(false);
    expect(addUserConnection(state, c)).toBe(false);
    expect([...(userConnections(state, alice) ?? [])]).toEqual([a, b, c]);
    expect(removeUserConnection(state, b)).toBe(false);
    expect([...(userConnections(state, alice) ?? [])]).toEqual([a, c]);
    expect(removeUserConnection(state, a)).toBe(false);
    expect(state.users.get(alice)).toBe(c);
    expect(removeUserConnection(state, a)).toBe(false);
    expect(removeUserConnection(state, c)).toBe(true);
    expect(state.users.has(alice)).toBe(false);
    expect(removeUserConnection(state, c)).toBe(false);
  });
});
