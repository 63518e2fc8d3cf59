import type { InstanceId, PresenceChange, ThreadId, UserId } from '@ws/core';
import { presenceEnvelopeHead } from './envelope.js';
import { presenceKeys } from './presence.js';
import { dropIfScript, presencePurgeScript, purgeClaimScript } from './presenceScripts.js';
import type { Shared } from './shared.js';

/** Threads purged (or written back) per round of parallel scripts. */
const BATCH = 200;

/** How long a purge claim lives: a claimer that dies mid-purge is replaced after this. */
function claimTtl(s: Shared): number {
  return Math.max(30_000, 10 * s.o.heartbeatMs);
}

/** How long an instance's purge marker waits for it to come back (then it is gone for good). */
const MARKER_TTL_MS = 24 * 3600_000;

/** Tells this instance's core about a change it made itself (a purge, a repair). Never throws. */
export function notifySelf(s: Shared, change: PresenceChange): void {
  try {
    s.ctx.presenceChanged?.(change);
  } catch (err) {
    s.ctx.onError(err, { stage: 'redis-presence' });
  }
}

/** Every member of a set, by `SSCAN` (never one huge reply). */
export async function scanAll(s: Shared, key: string): Promise<ThreadId[]> {
  const out: ThreadId[] = [];
  let cursor = '0';
  do {
    const [next, members] = (await s.link.call('SSCAN', key, cursor, 'COUNT', 500)) as [
      string,
      string[],
    ];
    cursor = next;
    out.push(...(members as ThreadId[]));
  } while (cursor !== '0');
  return [...new Set(out)];
}

/** Claims a dead instance's purge (refused while it is alive or another survivor holds it). */
export async function claimPurge(s: Shared, instanceId: InstanceId): Promise<boolean> {
  const ok = await s.link.run(
    purgeClaimScript,
    [s.keys.alive, s.keys.purgeClaim(instanceId), s.keys.purged(instanceId)],
    [instanceId, s.self, claimTtl(s), MARKER_TTL_MS],
  );
  return Number(ok) === 1;
}

/** Releases this instance's claim on a purge. Never throws. */
export async function releasePurge(s: Shared, instanceId: InstanceId): Promise<void> {
  try {
    await s.link.run(dropIfScript, [s.keys.purgeClaim(instanceId)], [s.self]);
  } catch (err) {
    s.ctx.logger.debug('purge claim release failed (it expires)', { error: String(err) });
  }
}

/**
 * Removes an instance's presence, thread by thread (each thread's part once: a second run finds
 * nothing), publishing each thread's leaves as one diff; this instance's own core hears them
 * through `presenceChanged` (it skips its own publications). Answers how many leaves.
 */
export async function purgePresence(s: Shared, instanceId: InstanceId): Promise<number> {
  const index = s.keys.instanceThreads(instanceId);
  const threads = await scanAll(s, index);
  const self = instanceId === s.self;
  let total = 0;
  for (let i = 0; i < threads.length; i += BATCH) {
    const batch = threads.slice(i, i + BATCH);
    const replies = await Promise.all(
      batch.map((t) =>
        s.link.run(presencePurgeScript, presenceKeys(s, t, instanceId).slice(0, 3), [
          s.link.publishCommand,
          s.keys.threadChannel(t),
          presenceEnvelopeHead(s.self, t),
        ]),
      ),
    );
    replies.forEach((reply, j) => {
      const leaves = reply as UserId[];
      if (leaves.length === 0) return;
      total += leaves.length;
      s.m.presenceDiffs.inc(1, { cause: 'purge' });
      if (!self) notifySelf(s, { threadId: batch[j] as ThreadId, joins: [], leaves });
    });
  }
  await s.link.call('DEL', index);
  if (self) s.m.presenceEntries.set(0);
  else if (threads.length > 0) {
    s.m.presencePurges.inc();
    s.m.presencePurgedUsers.inc(total);
  }
  return total;
}
