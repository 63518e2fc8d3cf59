import type { ConnectionId, ThreadId, UserId } from '@ws/core';
import { CloseCode } from '@ws/core';
import { presenceEnvelopeHead } from './envelope.js';
import { presenceKeys } from './presence.js';
import { notifySelf, scanAll } from './presencePurge.js';
import { dropIfScript, presenceRestoreScript } from './presenceScripts.js';
import type { PresenceRepair, Shared } from './shared.js';

/** Index entries the heartbeat sweep looks at per tick. */
const SWEEP_COUNT = 100;

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
  // One recovery per purge: the marker of a purge already recovered from asks nothing more.
  if (hb.marker !== '' && hb.marker !== p.recovered) {
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
 * Tells this instance's core where its failed writes ended up (it never got their answer, and a
 * write sent into a partition may have run later, publishing to the others only): a failed join
 * whose user is present is reported as a join, a failed leave whose user is gone as a leave,
 * unless the repair reported that user already.
 */
async function settleUncertain(s: Shared, reported: ReadonlySet<string>): Promise<void> {
  const p = s.presence;
  const list = [...p.uncertain].filter(([key]) => !reported.has(key)).map(([, w]) => w);
  p.uncertain.clear();
  if (list.length === 0) return;
  let present: unknown[];
  try {
    present = await Promise.all(
      list.map((w) => s.link.call('HEXISTS', s.keys.presenceCounts(w.threadId), w.userId)),
    );
  } catch (err) {
    for (const w of list) p.uncertain.set(`${w.threadId}\n${w.userId}`, w);
    throw err;
  }
  const by = new Map<ThreadId, { joins: UserId[]; leaves: UserId[] }>();
  list.forEach((w, i) => {
    const here = Number(present[i]) === 1;
    if (here !== (w.op === 'join')) return;
    let change = by.get(w.threadId);
    if (change === undefined) by.set(w.threadId, (change = { joins: [], leaves: [] }));
    (here ? change.joins : change.leaves).push(w.userId);
  });
  for (const [threadId, change] of by) notifySelf(s, { threadId, ...change });
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
  const reported = new Set<string>();
  replies.forEach(([joins, leaves, missing, left], i) => {
    const threadId = threads[i] as ThreadId;
    entries += Number(left);
    for (const c of missing) close.add(c);
    if (mode === 'quiet' || joins.length + leaves.length === 0) return;
    s.m.presenceDiffs.inc(1, { cause: mode });
    for (const u of [...joins, ...leaves]) reported.add(`${threadId}\n${u}`);
    notifySelf(s, { threadId, joins, leaves });
  });
  await settleUncertain(s, reported);
  s.m.presenceEntries.set(entries);
  s.m.presenceRepairs.inc(1, { cause: mode });
  if (close.size > 0)
    s.ctx.logger.warn('presence purged by a peer: closing those connections with 1012', {
      connections: close.size,
    });
  for (const c of close)
    if (s.ctx.evictLocal(c, CloseCode.serviceRestart)) s.m.presenceClosed.inc();
  if (mode === 'recover' && s.presence.marker !== '') await dropMarker(s, s.presence.marker);
}

/**
 * Drops the purge marker once recovered from (only that marker: a newer purge's stays), so later
 * heartbeats ask no second recovery, which would close connections opened since. Never throws:
 * a marker left behind expires, and `recovered` already keeps it from being acted on twice.
 */
async function dropMarker(s: Shared, marker: string): Promise<void> {
  s.presence.recovered = marker;
  s.presence.marker = '';
  try {
    await s.link.run(dropIfScript, [s.keys.purged(s.self)], [marker]);
  } catch (err) {
    s.ctx.logger.debug('purge marker drop failed (it expires)', { error: String(err) });
  }
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
      // A recovery asked again while the last one ran, for the marker it dropped: done already.
      if (mode !== 'recover' || p.marker !== '') await repair(s, mode);
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
