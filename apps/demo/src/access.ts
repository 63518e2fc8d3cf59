import type { ThreadId, UserId } from '@ws/core';
import { isUserName } from './names.js';

/** The demo's authorization rules, as `createManager` takes them. */
export interface AccessRules {
  /** `dm:<a>:<b>` (sorted) only for a and b; `ops:*` only for admins; every other thread for all. */
  readonly authorizeThread: (userId: UserId, threadId: ThreadId) => boolean;
  /** Any logged-in user may message any valid user name. */
  readonly authorizeDirect: (from: UserId, to: UserId) => boolean;
  /**
   * Who may see a thread's presence: its members (core asks only members of the thread). The
   * thread rule is checked again, so a `dm:` or `ops:` thread's presence stays with the users
   * who may be in it.
   */
  readonly authorizePresence: (userId: UserId, threadId: ThreadId) => boolean;
}

/**
 * Builds the demo's access rules.
 * - `dm:<a>:<b>`: private to users a and b; the names must be valid and in sorted order (a < b),
 *   so each pair has exactly one thread. Anything else starting with `dm:` is refused.
 * - `ops:*`: the users in `adminUsers` only.
 * - every other thread name: public.
 * - presence: a thread's members see who else is in it.
 */
export function createAccessRules(adminUsers: ReadonlySet<string>): AccessRules {
  const authorizeThread = (userId: UserId, threadId: ThreadId): boolean => {
    if (threadId.startsWith('dm:')) {
      const parts = threadId.split(':');
      if (parts.length !== 3) return false;
      const [, a, b] = parts as [string, string, string];
      if (!isUserName(a) || !isUserName(b) || !(a < b)) return false;
      return userId === a || userId === b;
    }
    if (threadId.startsWith('ops:')) return adminUsers.has(userId);
    return true;
  };
  return {
    authorizeThread,
    authorizeDirect: (_from, to) => {
      return isUserName(to);
    },
    authorizePresence: (userId, threadId) => authorizeThread(userId, threadId),
  };
}
