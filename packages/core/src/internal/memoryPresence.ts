import type { PresenceChange, PresencePage, ThreadPresence } from '../cluster.js';
import type { InstanceId, ThreadId, UserId } from '../ids.js';

/** A hub's presence: per thread, per user, the connections each instance holds. */
export interface MemoryPresence {
  /** Counts a connection in; true when it is the user's first in the thread on any instance. */
  join(threadId: ThreadId, userId: UserId, instanceId: InstanceId): boolean;
  /** Counts a connection out; true when it was the user's last in the thread anywhere. */
  leave(threadId: ThreadId, userId: UserId, instanceId: InstanceId): boolean;
  page(threadId: ThreadId, page: PresencePage): ThreadPresence;
  count(threadId: ThreadId): number;
  /** Forgets an instance's connections; answers the leaves that makes, per thread. */
  purge(instanceId: InstanceId): PresenceChange[];
}

/** Connections of one user in one thread, per instance. */
type ByInstance = Map<InstanceId, number>;

function total(byInstance: ByInstance): number {
  let n = 0;
  for (const c of byInstance.values()) n += c;
  return n;
}

/**
 * Creates a hub's presence counts. Users of a page are in code-unit order of their ids, and the
 * cursor is the last id of the page, so a page never repeats or skips a user that stays.
 */
export function createMemoryPresence(): MemoryPresence {
  const threads = new Map<ThreadId, Map<UserId, ByInstance>>();

  const leave = (threadId: ThreadId, userId: UserId, instanceId: InstanceId): boolean => {
    const users = threads.get(threadId);
    const byInstance = users?.get(userId);
    const here = byInstance?.get(instanceId);
    if (users === undefined || byInstance === undefined || here === undefined) return false;
    if (here > 1) byInstance.set(instanceId, here - 1);
    else byInstance.delete(instanceId);
    if (byInstance.size > 0) return false;
    users.delete(userId);
    if (users.size === 0) threads.delete(threadId);
    return true;
  };

  return {
    join(threadId, userId, instanceId) {
      let users = threads.get(threadId);
      if (users === undefined) {
        users = new Map();
        threads.set(threadId, users);
      }
      let byInstance = users.get(userId);
      if (byInstance === undefined) {
        byInstance = new Map();
        users.set(userId, byInstance);
      }
      byInstance.set(instanceId, (byInstance.get(instanceId) ?? 0) + 1);
      return byInstance.size === 1 && byInstance.get(instanceId) === 1;
    },
    leave,
    page(threadId, page) {
      const users = threads.get(threadId);
      if (users === undefined) return { count: 0, users: [], next: null };
      const ids = [...users.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const after = page.cursor;
      const start = after === undefined ? 0 : ids.findIndex((id) => id > after);
      const slice = start < 0 ? [] : ids.slice(start, start + page.limit);
      const more = start >= 0 && start + page.limit < ids.length;
      return {
        count: users.size,
        users: slice.map((userId) => ({
          userId,
          connections: total(users.get(userId) ?? new Map<InstanceId, number>()),
        })),
        next: more ? (slice.at(-1) ?? null) : null,
      };
    },
    count: (threadId) => threads.get(threadId)?.size ?? 0,
    purge(instanceId) {
      const changes: PresenceChange[] = [];
      for (const [threadId, users] of [...threads]) {
        const leaves: UserId[] = [];
        for (const [userId, byInstance] of [...users]) {
          if (!byInstance.has(instanceId)) continue;
          byInstance.set(instanceId, 1);
          if (leave(threadId, userId, instanceId)) leaves.push(userId);
        }
        if (leaves.length > 0) changes.push({ threadId, joins: [], leaves });
      }
      return changes;
    },
  };
}
