import type { SessionRecord, UserId } from '@ws/core';
import { saveSessionScript, takeSessionScript } from './scripts.js';
import type { Shared } from './shared.js';

/** What `saveSession` writes: a session under its token, at a generation. */
export interface SessionWrite {
  readonly token: string;
  readonly session: SessionRecord;
  readonly generation: number;
}

/** Writes a session under its token; false when taken or a newer generation holds it. */
export async function saveSession(s: Shared, write: SessionWrite): Promise<boolean> {
  const { token, session, generation } = write;
  const written = await s.link.run(
    saveSessionScript,
    [s.keys.session(token)],
    [session.userId, JSON.stringify(session), generation, s.ctx.sessionTtlMs],
  );
  return Number(written) === 1;
}

/** Takes a session once, only for its own user. */
export async function takeSession(
  s: Shared,
  token: string,
  userId: UserId,
): Promise<SessionRecord | null> {
  const raw = await s.link.run(takeSessionScript, [s.keys.session(token)], [userId]);
  if (typeof raw !== 'string') return null;
  const record = JSON.parse(raw) as SessionRecord;
  return record.userId === userId ? record : null;
}
