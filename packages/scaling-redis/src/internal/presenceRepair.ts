import type { ConnectionId, InstanceId, PresenceChange, ThreadId, UserId } from '@ws/core';
import { CloseCode } from '@ws/core';
import { presenceEnvelopeHead } from './envelope.js';
import { presenceKeys } from './presence.js';
import {
  dropIfScript,
  presencePurgeScript,
  presenceRestoreScript,
  purgeClaimScript,
} from './presenceScripts.js';
import type { PresenceRepair, Shared } from './shared.js';

/** Threads purged (or written back) per round of parallel scripts. */
const BATCH = 200;
/** Index entries the heartbeat sweep looks at per tick. */
const SWEEP_COUNT = 100;

/** How long a purge claim lives: a claimer that dies mid-purge is replaced after this. */
function claimTtl(s: Shared): number {
  return Math.max(30_000, 10 * s.o.heartbeatMs);
}

/** How long an instance's purge marker waits for it to come back (then it is gone for good). */
const MARKER_TTL_MS = 24 * 3600_000;

/** Tells this instance's core about a change it made itself (a purge, a repair). Never throws. */
function notifySelf(s: Shared, change: PresenceChange): void {
  try {
    s.ctx.presenceChanged?.(change);
  } catch (err) {
    s.ctx.onError(err, { stage: 'redis-presence' });
  }
}

/** Every member of a set, by `SSCAN` (never one huge reply). */
async function scanAll(s: Shared, key: string): Promise<ThreadId[]> {
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

/** What one heartbeat learned about this instance (see `heartbeatScript`). */
export interface HeartbeatSignal {
  readonly newEpoch: boolean;
  /** A peer is purging this instance right now. */
  readonly claimed: boolean;
  /** A peer purged (or is purging) this instance: the marker to recover from, else ''. */
  readonly marker: string;
}

const RANK: Readonly<Record<PresenceRepair, number>> = {
  none: 0,
  quiet: 1,
  restore: 2,
  recover: 3,
};

function want(s: Shared, repair: PresenceRepair): void {
  if (RANK[repair] > RANK[s.presence.repair]) s.presence.repair = repair;
}

/**
 * Reads a heartbeat of a registered instance: Redis lost its data (write presence back, no
 * diffs), or a peer purged (or is purging) this instance (recover once the purge is done). The
 * marker stays in Redis until the recovery is done, so a heartbeat whose reply was lost (sent
 * into a partition, run by Redis after it healed) loses nothing.
 */
export function onHeartbeat(s: Shared, hb: HeartbeatSignal): void {
  const p = s.presence;
  p.claimed = hb.claimed;
  if (hb.newEpoch) want(s, 'quiet');
  if (hb.marker !== '') {
    p.marker = hb.marker;
    want(s, 'recover');
  }
}

type RestoreReply = [UserId[], UserId[], ConnectionId[], number];

/** The local connections per thread, as `connection, user` pairs (read in one synchronous go). */
function snapshot(s: Shared): Map<ThreadId, string[]> {
  const by = new Map<ThreadId, string[]>();
  for (const c of s.ctx.localConnections()) {
    for (const t of c.threads) {
      let list = by.get(t);
      if (list === undefined) by.set(t, (list = []));
      list.push(c.connectionId, c.userId);
    }
  }
  return by;
}

/**
 * Makes this instance's presence entries exactly its connections (see `presenceRestoreScript`).
 * The connections are read and every write is sent in the same turn, so a join or leave core
 * makes meanwhile lands after the write of its thread and is counted once. `recover`: the
 * connections whose entries a peer's purge removed are closed with 1012 (reconnect, resume).
 */
async function repair(s: Shared, mode: Exclude<PresenceRepair, 'none'>): Promise<void> {
  const index = s.keys.instanceThreads(s.self);
  const indexed = await scanAll(s, index);
  // A core that never wrote presence (an older one) has no entries: nothing was purged.
  const snap = s.presence.used ? snapshot(s) : new Map<ThreadId, string[]>();
  const threads = [...new Set([...indexed, ...snap.keys()])];
  const writes: Promise<unknown>[] = [];
  if (s.link.sharded && snap.size > 0) writes.push(s.link.call('SADD', index, ...snap.keys()));
  const runs = threads.map((t) =>
    s.link.run(presenceRestoreScript, presenceKeys(s, t, s.self), [
      mode === 'recover' ? 'recover' : 'restore',
      mode === 'quiet' ? '0' : '1',
      s.link.publishCommand,
      s.keys.threadChannel(t),
      presenceEnvelopeHead(s.self, t),
      t,
      ...(snap.get(t) ?? []),
    ]),
  );
  const replies = (await Promise.all(runs)) as RestoreReply[];
  await Promise.all(writes);
  let entries = 0;
  const close = new Set<ConnectionId>();
  replies.forEach(([joins, leaves, missing, left], i) => {
    entries += Number(left);
    for (const c of missing) close.add(c);
    if (mode === 'quiet' || joins.length + leaves.length === 0) return;
    s.m.presenceDiffs.inc(1, { cause: mode });
    notifySelf(s, { threadId: threads[i] as ThreadId, joins, leaves });
  });
  s.m.presenceEntries.set(entries);
  s.m.presenceRepairs.inc(1, { cause: mode });
  if (close.size > 0)
    s.ctx.logger.warn('presence purged by a peer: closing those connections with 1012', {
      connections: close.size,
    });
  for (const c of close)
    if (s.ctx.evictLocal(c, CloseCode.serviceRestart)) s.m.presenceClosed.inc();
}

function heldThreads(s: Shared): Set<ThreadId> {
  const held = new Set<ThreadId>();
  for (const c of s.ctx.localConnections()) for (const t of c.threads) held.add(t);
  return held;
}

/**
 * Drops threads this instance no longer has presence entries in from its thread set, a few per
 * tick. A thread is dropped only when no local connection holds it, no presence write of it is
 * in flight (both checked again right before the `SREM` is sent) and its entries are gone.
 */
async function sweepIndex(s: Shared): Promise<void> {
  const p = s.presence;
  const index = s.keys.instanceThreads(s.self);
  const [next, members] = (await s.link.call('SSCAN', index, p.cursor, 'COUNT', SWEEP_COUNT)) as [
    string,
    ThreadId[],
  ];
  p.cursor = next;
  const held = heldThreads(s);
  const candidates = members.filter((t) => !held.has(t) && !p.inflight.has(t));
  if (candidates.length === 0) return;
  const exists = await Promise.all(
    candidates.map((t) => s.link.call('EXISTS', s.keys.presenceOf(t, s.self))),
  );
  const heldNow = heldThreads(s);
  const gone = candidates.filter(
    (t, i) => Number(exists[i]) === 0 && !heldNow.has(t) && !p.inflight.has(t),
  );
  if (gone.length > 0) await s.link.call('SREM', index, ...gone);
}

/** The presence part of a heartbeat tick: a pending repair, then the index sweep. Never throws. */
export async function presenceTick(s: Shared): Promise<void> {
  const p = s.presence;
  if (s.stopped || !s.link.cmdReady()) return;
  if (p.repair !== 'none' && !p.claimed) {
    const mode = p.repair;
    p.repair = 'none';
    try {
      await repair(s, mode);
    } catch (err) {
      want(s, mode);
      s.m.commandFailures.inc(1, { op: 'presence-repair' });
      s.ctx.logger.debug('presence repair failed', { error: String(err) });
    }
  }
  try {
    await sweepIndex(s);
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'presence-sweep' });
    s.ctx.logger.debug('presence index sweep failed', { error: String(err) });
  }
}
