import type { SessionRecord } from '../cluster.js';
import type { UserId } from '../ids.js';

/** When a session is written: its generation, the time, and how long it is kept. */
export interface SessionWrite {
  readonly generation: number;
  readonly now: number;
  readonly ttlMs: number;
}

/** The bounded sessions of a memory hub, kept under their resume tokens. */
export interface MemorySessions {
  /** Writes a session; false (and no write) when it was taken or a newer generation holds it. */
  save(token: string, session: SessionRecord, write: SessionWrite): boolean;
  /** Takes a session once, and only for its own user; anyone else gets null, the session intact. */
  take(token: string, userId: UserId, now: () => number): SessionRecord | null;
}

interface StoredSession {
  record: SessionRecord;
  expiresAt: number;
  taken: boolean;
}

/** Creates an empty session store of at most `maxSessions` sessions (the oldest go first). */
export function createMemorySessions(maxSessions: number): MemorySessions {
  const sessions = new Map<string, StoredSession>();
  return {
    save(token, session, { generation, now, ttlMs }) {
      const existing = sessions.get(token);
      if (existing !== undefined && (existing.taken || existing.record.generation > generation)) {
        return false;
      }
      sessions.delete(token);
      // Sessions share one TTL and are re-inserted on write, so the oldest expire first.
      for (const [key, old] of sessions) {
        if (old.expiresAt > now) break;
        sessions.delete(key);
      }
      sessions.set(token, { record: session, expiresAt: now + ttlMs, taken: false });
      while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value as string);
      return true;
    },
    take(token, userId, now) {
      const s = sessions.get(token);
      if (s === undefined || s.taken || s.expiresAt <= now()) return null;
      if (s.record.userId !== userId) return null;
      // Keep a tombstone until the TTL runs out, so a stale connection cannot write it back.
      s.taken = true;
      return s.record;
    },
  };
}
