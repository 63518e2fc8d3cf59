import type {
  ConnectionId,
  InstanceId,
  PresenceMember,
  PresencePage,
  ThreadId,
  ThreadPresence,
  UserId,
} from '@ws/core';
import { WsError } from '@ws/core';
import { presenceEnvelope } from './envelope.js';
import { presenceJoinScript, presenceLeaveScript, presenceReadScript } from './presenceScripts.js';
import type { PresenceState, Shared, UncertainWrite } from './shared.js';

/** The most users one presence page holds. */
const PRESENCE_MAX_LIMIT = 1000;

/** A fresh presence state (created at `start`). */
export function createPresenceState(): PresenceState {
  return {
    inflight: new Map(),
    uncertain: new Map(),
    repair: 'none',
    claimed: false,
    marker: '',
    recovered: '',
    used: false,
    cursor: '0',
  };
}

/** The keys of one instance's part of a thread: pc, pu, pi, and on a single Redis the thread set. */
export function presenceKeys(s: Shared, threadId: ThreadId, instanceId: InstanceId): string[] {
  const k = s.keys;
  const keys = [
    k.presenceCounts(threadId),
    k.presenceUsers(threadId),
    k.presenceOf(threadId, instanceId),
  ];
  // Redis Cluster: the thread set lives in another slot, written by its own command.
  if (!s.link.sharded) keys.push(k.instanceThreads(instanceId));
  return keys;
}

function track(s: Shared, threadId: ThreadId, by: 1 | -1): void {
  const inflight = s.presence.inflight;
  const n = (inflight.get(threadId) ?? 0) + by;
  if (n <= 0) inflight.delete(threadId);
  else inflight.set(threadId, n);
}

/** The most failed writes remembered until the next repair. */
const MAX_UNCERTAIN = 10_000;

/** A presence write failed: count it, write everything back at the next heartbeat, reject. */
function failed(s: Shared, w: UncertainWrite, err: unknown): never {
  const op = `presence-${w.op}`;
  s.m.commandFailures.inc(1, { op });
  const p = s.presence;
  if (p.repair === 'none') p.repair = 'restore';
  const { threadId, userId } = w;
  if (p.uncertain.size < MAX_UNCERTAIN)
    p.uncertain.set(`${threadId}\n${userId}`, { threadId, userId, op: w.op });
  throw err instanceof WsError
    ? err
    : new WsError('cluster_error', `${op} failed: ${String(err)}`, { cause: err });
}

/** Why a presence write cannot run now, or undefined when it can. */
function notReady(s: Shared): WsError | undefined {
  if (s.link.cmdReady()) return undefined;
  return new WsError('cluster_error', 'redis unavailable');
}

interface Entry {
  readonly threadId: ThreadId;
  readonly userId: UserId;
  readonly connectionId: ConnectionId;
}

/**
 * Runs one presence write of a thread: `send` answers {changed entry, user joined or left}.
 * Counts the entry and the published diff; a failure rejects and schedules a restore.
 */
async function write(
  s: Shared,
  e: Entry & { readonly op: 'join' | 'leave' },
  send: () => Promise<[number, number]>,
): Promise<boolean> {
  s.presence.used = true;
  const down = notReady(s);
  if (down !== undefined) failed(s, e, down);
  track(s, e.threadId, 1);
  try {
    const [entry, diff] = await send();
    if (Number(entry) === 1) s.m.presenceEntries.inc(e.op === 'join' ? 1 : -1);
    if (Number(diff) !== 1) return false;
    s.m.presenceDiffs.inc(1, { cause: e.op });
    return true;
  } catch (err) {
    return failed(s, e, err);
  } finally {
    track(s, e.threadId, -1);
  }
}

/**
 * Counts a local connection into a thread's presence: one script (with, on Redis Cluster, the
 * instance's thread set written alongside: one more command, sent in the same round trip).
 * True when the user joined (their first connection there anywhere); the script then published
 * the join to the other instances.
 */
export function presenceJoin(s: Shared, e: Entry): Promise<boolean> {
  const { threadId, userId, connectionId } = e;
  const k = s.keys;
  return write(s, { ...e, op: 'join' }, async () => {
    const writes: Promise<unknown>[] = [];
    if (s.link.sharded) writes.push(s.link.call('SADD', k.instanceThreads(s.self), threadId));
    const run = s.link.run(presenceJoinScript, presenceKeys(s, threadId, s.self), [
      connectionId,
      userId,
      s.link.publishCommand,
      k.threadChannel(threadId),
      presenceEnvelope(s.self, { threadId, joins: [userId], leaves: [] }),
      threadId,
    ]);
    const [reply] = await Promise.all([run, ...writes]);
    return reply as [number, number];
  });
}

/**
 * Counts a local connection out: one script. True when it was the user's last connection to
 * the thread anywhere; the script then published the leave to the other instances. A connection
 * a peer's purge already counted out answers false (its leave was published by the purge).
 */
export function presenceLeave(s: Shared, e: Entry): Promise<boolean> {
  const { threadId, userId, connectionId } = e;
  const k = s.keys;
  return write(s, { ...e, op: 'leave' }, async () => {
    const keys = presenceKeys(s, threadId, s.self).slice(0, 3);
    return (await s.link.run(presenceLeaveScript, keys, [
      connectionId,
      s.link.publishCommand,
      k.threadChannel(threadId),
      presenceEnvelope(s.self, { threadId, joins: [], leaves: [userId] }),
    ])) as [number, number];
  });
}

function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1)
    throw new WsError('invalid_options', 'a presence page limit must be a positive integer');
  return Math.min(limit, PRESENCE_MAX_LIMIT);
}

/**
 * One page of a thread's presence, users in byte order of their ids (`ZRANGEBYLEX` from after
 * the cursor: the cursor is the previous page's last user). One script: the page, its
 * connection counts and the user count in one consistent read. A limit over 1,000 reads 1,000.
 */
export async function presence(
  s: Shared,
  threadId: ThreadId,
  page: PresencePage,
): Promise<ThreadPresence> {
  const limit = pageLimit(page.limit);
  const cursor = page.cursor;
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === ''))
    throw new WsError('invalid_options', 'a presence cursor must be a non-empty string');
  let reply: [number, string[], (string | null)[]];
  try {
    reply = (await s.link.run(
      presenceReadScript,
      [s.keys.presenceUsers(threadId), s.keys.presenceCounts(threadId)],
      [cursor === undefined ? '-' : `(${cursor}`, limit + 1],
    )) as [number, string[], (string | null)[]];
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'presence' });
    throw new WsError('cluster_error', `presence read failed: ${String(err)}`, { cause: err });
  }
  const [count, ids, counts] = reply;
  const users: PresenceMember[] = [];
  const n = Math.min(ids.length, limit);
  for (let i = 0; i < n; i++) {
    users.push({ userId: ids[i] as UserId, connections: Number(counts[i] ?? 0) });
  }
  const next = ids.length > limit ? (ids[limit - 1] ?? null) : null;
  return { count: Number(count), users, next };
}

/** How many users are present in the thread: one `ZCARD`. */
export async function presenceCount(s: Shared, threadId: ThreadId): Promise<number> {
  try {
    return Number(await s.link.call('ZCARD', s.keys.presenceUsers(threadId)));
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'presence' });
    throw new WsError('cluster_error', `presence read failed: ${String(err)}`, { cause: err });
  }
}
