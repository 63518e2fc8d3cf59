import type { Offset } from '../ids.js';
import { isThreadId } from '../ids.js';
import type { Membership } from './memberships.js';
import type { ConnRecord, ManagerState } from './state.js';

/** Restores a session's thread memberships that still pass `authorizeThread`. */
async function restorable(
  state: ManagerState,
  rec: ConnRecord,
  threads: Readonly<Record<string, Offset>>,
): Promise<Membership[]> {
  const authorize = state.options.authorizeThread;
  const out: Membership[] = [];
  if (authorize === undefined) return out;
  for (const [t, offset] of Object.entries(threads)) {
    if (out.length >= state.limits.maxThreadsPerConnection) break;
    if (!isThreadId(t)) continue;
    try {
      if (
        (await authorize(rec.userId, t, {
          connectionId: rec.id,
          context: rec.context,
          restoring: true,
        })) === true
      ) {
        out.push([t, offset]);
      }
    } catch (err) {
      state.reportError(err, 'authorize-restore', rec.id);
    }
  }
  return out;
}

/** Takes the session of a resume token (single use, same user only): the memberships to restore. */
export async function restore(
  state: ManagerState,
  rec: ConnRecord,
  resumeToken: string | undefined,
): Promise<Membership[]> {
  if (resumeToken === undefined || resumeToken === '') return [];
  try {
    const session = await state.cluster.takeSession(resumeToken, rec.userId);
    if (session !== null && session.userId === rec.userId) {
      rec.generation = session.generation + 1;
      return await restorable(state, rec, session.threads);
    }
  } catch (err) {
    state.reportError(err, 'session-take', rec.id);
  }
  return [];
}
