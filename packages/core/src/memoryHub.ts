import type {
  AdmitResult,
  ClusterAdapter,
  ClusterContext,
  HistoryResult,
  InstanceInfo,
  SessionRecord,
  UserLocation,
} from './cluster.js';
import { WsError } from './errors.js';
import type { MessageFrame, ServerFrame } from './frames.js';
import type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from './ids.js';
import { compareOffsets } from './offsets.js';

/** Options of the in-memory cluster state (history and sessions). */
export interface MemoryHubOptions {
  /**
   * Messages kept per thread for `resume`.
   * @default 256
   */
  readonly historySize?: number;
  /**
   * How long a kept message stays recoverable, in ms.
   * @default 600000 (10 minutes)
   */
  readonly historyTtlMs?: number;
  /**
   * Threads whose history is kept; the least recently published are forgotten past this.
   * @default 10000
   */
  readonly maxHistoryThreads?: number;
  /**
   * Which threads keep history.
   * @default () => true
   */
  readonly keepHistory?: (threadId: ThreadId) => boolean;
  /**
   * Sessions kept at most; the oldest are forgotten past this.
   * @default 100000
   */
  readonly maxSessions?: number;
}

/** Defaults of {@link MemoryHubOptions}. */
export const memoryHubDefaults = {
  historySize: 256,
  historyTtlMs: 600_000,
  maxHistoryThreads: 10_000,
  maxSessions: 100_000,
} as const;

/** Options of one instance's adapter on a hub. */
export interface MemoryAdapterOptions {
  /**
   * URL advertised in `instances()` (used in `reconnect` hints by peers).
   * @default undefined
   */
  readonly publicUrl?: string;
}

/**
 * In-memory cluster state shared by the managers of one process: bounded history, bounded
 * sessions, per-user admission, and delivery between its instances. `localCluster()` is a hub
 * with one instance; tests use several to exercise cross-instance paths without Redis.
 */
export interface MemoryHub {
  adapter(options?: MemoryAdapterOptions): ClusterAdapter;
}

interface Entry {
  readonly offset: Offset;
  readonly at: number;
  readonly frame: MessageFrame;
}

interface ThreadHistory {
  entries: Entry[];
  /** Offset of the newest entry dropped from this thread (nothing after it was ever lost). */
  trimmedUpTo: Offset;
  last: Offset;
}

interface StoredSession {
  record: SessionRecord;
  expiresAt: number;
  taken: boolean;
}

interface Admission {
  readonly connectionId: ConnectionId;
  readonly instanceId: InstanceId;
}

/** Creates in-memory cluster state. Offsets are `<epoch>-<sequence>` (epoch: the first start). */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const historySize = options.historySize ?? memoryHubDefaults.historySize;
  const historyTtlMs = options.historyTtlMs ?? memoryHubDefaults.historyTtlMs;
  const maxHistoryThreads = options.maxHistoryThreads ?? memoryHubDefaults.maxHistoryThreads;
  const maxSessions = options.maxSessions ?? memoryHubDefaults.maxSessions;
  const keepHistory = options.keepHistory ?? (() => true);
  for (const [name, value] of Object.entries({
    historySize,
    historyTtlMs,
    maxHistoryThreads,
    maxSessions,
  })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new WsError('invalid_options', `${name} must be a non-negative integer`);
    }
  }

  let epoch = -1;
  let seq = 0;
  /** Newest offset of any entry forgotten with its whole thread. */
  let forgottenUpTo = '0-0' as Offset;
  const threads = new Map<ThreadId, ThreadHistory>();
  const sessions = new Map<string, StoredSession>();
  /** Per user: the one admission itself (most users), a list from the second on. */
  const admitted = new Map<UserId, Admission | Admission[]>();
  const listOf = (entry: Admission | Admission[]): Admission[] =>
    Array.isArray(entry) ? entry : [entry];
  const members = new Map<InstanceId, ClusterContext>();
  const urls = new Map<InstanceId, string>();

  const offsetOf = (n: number): Offset => `${epoch}-${n}` as Offset;

  function trim(h: ThreadHistory, now: number): void {
    let drop = 0;
    while (
      drop < h.entries.length &&
      (h.entries.length - drop > historySize || now - (h.entries[drop] as Entry).at > historyTtlMs)
    ) {
      drop++;
    }
    if (drop > 0) {
      h.trimmedUpTo = (h.entries[drop - 1] as Entry).offset;
      h.entries.splice(0, drop);
    }
  }

  function touch(threadId: ThreadId): ThreadHistory {
    let h = threads.get(threadId);
    if (h !== undefined) {
      threads.delete(threadId);
      threads.set(threadId, h);
      return h;
    }
    h = { entries: [], trimmedUpTo: forgottenUpTo, last: offsetOf(0) };
    threads.set(threadId, h);
    if (threads.size > maxHistoryThreads) {
      const oldest = threads.keys().next().value as ThreadId;
      const lost = threads.get(oldest) as ThreadHistory;
      if (compareOffsets(lost.last, forgottenUpTo) > 0) forgottenUpTo = lost.last;
      threads.delete(oldest);
    }
    return h;
  }

  /** Hands a frame to every other instance, after the current call stack (like a network hop). */
  function relay(self: InstanceId, deliver: (ctx: ClusterContext) => void): boolean {
    let any = false;
    for (const [id, ctx] of members) {
      if (id === self) continue;
      any = true;
      queueMicrotask(() => {
        try {
          deliver(ctx);
        } catch (err) {
          ctx.onError(err, { stage: 'memory-relay' });
        }
      });
    }
    return any;
  }

  function purge(instanceId: InstanceId): void {
    for (const [userId, entry] of admitted) {
      const kept = listOf(entry).filter((a) => a.instanceId !== instanceId);
      if (kept.length === 0) admitted.delete(userId);
      else admitted.set(userId, kept);
    }
  }

  return {
    adapter(adapterOptions: MemoryAdapterOptions = {}): ClusterAdapter {
      let ctx: ClusterContext | undefined;
      const context = (): ClusterContext => {
        if (ctx === undefined) throw new WsError('unavailable', 'cluster adapter not started');
        return ctx;
      };
      const self = (): InstanceId => context().instanceId;
      const publish = (frame: ServerFrame, target: Parameters<ClusterContext['deliverLocal']>[0]) =>
        relay(self(), (peer) => peer.deliverLocal(target, frame));
      /** True when another instance shares the hub (else a publish has no one to reach). */
      const hasPeers = (): boolean => members.size > 1;

      return {
        name: 'memory',
        start(c) {
          if (members.has(c.instanceId)) {
            return Promise.reject(
              new WsError('invalid_options', `instance ${c.instanceId} already on this hub`),
            );
          }
          ctx = c;
          members.set(c.instanceId, c);
          if (adapterOptions.publicUrl !== undefined)
            urls.set(c.instanceId, adapterOptions.publicUrl);
          if (epoch < 0) {
            epoch = c.clock.now();
            forgottenUpTo = `${epoch}-0` as Offset;
          }
          return Promise.resolve();
        },
        stop() {
          if (ctx !== undefined) {
            members.delete(ctx.instanceId);
            urls.delete(ctx.instanceId);
            purge(ctx.instanceId);
          }
          return Promise.resolve();
        },

        admit(userId, connectionId): Promise<AdmitResult> {
          const { maxConnectionsPerUser, onUserLimit } = context().limits;
          const entry = admitted.get(userId);
          if (entry === undefined) {
            admitted.set(userId, { connectionId, instanceId: self() });
            return Promise.resolve({ admitted: true, evict: [] });
          }
          const list = listOf(entry);
          let evicted: Admission[] = [];
          if (list.length >= maxConnectionsPerUser) {
            if (onUserLimit === 'reject') {
              return Promise.resolve({
                admitted: false,
                reason: `user has ${list.length} connections (limit ${maxConnectionsPerUser})`,
              });
            }
            evicted = list.splice(0, list.length - maxConnectionsPerUser + 1);
          }
          list.push({ connectionId, instanceId: self() });
          admitted.set(userId, list);
          for (const victim of evicted) {
            const owner = members.get(victim.instanceId);
            if (owner !== undefined && victim.instanceId !== self()) {
              queueMicrotask(() => owner.evictLocal(victim.connectionId, 4100));
            }
          }
          return Promise.resolve({ admitted: true, evict: evicted.map((v) => v.connectionId) });
        },
        release(userId, connectionId) {
          const entry = admitted.get(userId);
          if (entry !== undefined) {
            const list = listOf(entry);
            const i = list.findIndex((a) => a.connectionId === connectionId);
            if (i >= 0) list.splice(i, 1);
            if (list.length === 0) admitted.delete(userId);
            else admitted.set(userId, list.length === 1 ? (list[0] as Admission) : list);
          }
          return Promise.resolve();
        },

        onLocalJoin: () => Promise.resolve(),
        onLocalLeave: () => Promise.resolve(),
        // The publish methods answer synchronously: a send inside one process needs no microtask.
        publishToUser: (userId, frame) => ({
          published: hasPeers() && publish(frame, { kind: 'user', userId }),
        }),
        publishAll: (frame) => ({ published: hasPeers() && publish(frame, { kind: 'all' }) }),

        publishToThread(threadId, frame) {
          const offset = offsetOf(++seq);
          const h = touch(threadId);
          h.last = offset;
          const stamped: MessageFrame = { ...frame, offset };
          if (keepHistory(threadId) && historySize > 0) {
            const now = context().clock.now();
            h.entries.push({ offset, at: now, frame: stamped });
            trim(h, now);
          } else {
            h.trimmedUpTo = offset;
          }
          const published = hasPeers() && publish(stamped, { kind: 'thread', threadId });
          return { offset, published };
        },
        threadOffset: () => Promise.resolve(offsetOf(seq)),

        history(threadId, afterOffset, notBefore): Promise<HistoryResult> {
          const from = compareOffsets(afterOffset, notBefore) >= 0 ? afterOffset : notBefore;
          // An offset from the future, or from before this hub's epoch, cannot be vouched for.
          if (compareOffsets(from, offsetOf(seq)) > 0 || compareOffsets(from, offsetOf(0)) < 0) {
            return Promise.resolve({ recoverable: false });
          }
          const h = threads.get(threadId);
          if (h === undefined) {
            return Promise.resolve(
              compareOffsets(from, forgottenUpTo) >= 0
                ? { recoverable: true, frames: [] }
                : { recoverable: false },
            );
          }
          trim(h, context().clock.now());
          if (compareOffsets(from, h.trimmedUpTo) < 0)
            return Promise.resolve({ recoverable: false });
          const frames = h.entries
            .filter((e) => compareOffsets(e.offset, from) > 0)
            .map((e) => e.frame);
          return Promise.resolve({ recoverable: true, frames });
        },

        saveSession(token, session, generation) {
          const now = context().clock.now();
          const existing = sessions.get(token);
          if (
            existing !== undefined &&
            (existing.taken || existing.record.generation > generation)
          ) {
            return Promise.resolve(false);
          }
          sessions.delete(token);
          // Sessions share one TTL and are re-inserted on write, so the oldest expire first.
          for (const [key, old] of sessions) {
            if (old.expiresAt > now) break;
            sessions.delete(key);
          }
          sessions.set(token, {
            record: session,
            expiresAt: now + context().sessionTtlMs,
            taken: false,
          });
          while (sessions.size > maxSessions)
            sessions.delete(sessions.keys().next().value as string);
          return Promise.resolve(true);
        },
        takeSession(token, userId) {
          const s = sessions.get(token);
          if (s === undefined || s.taken || s.expiresAt <= context().clock.now())
            return Promise.resolve(null);
          if (s.record.userId !== userId) return Promise.resolve(null);
          // Keep a tombstone until the TTL runs out, so a stale connection cannot write it back.
          s.taken = true;
          return Promise.resolve(s.record);
        },

        findUser(userId) {
          const found: UserLocation[] = [];
          for (const [instanceId, member] of members) {
            const ids: ConnectionId[] = [];
            for (const c of member.localConnections())
              if (c.userId === userId) ids.push(c.connectionId);
            if (ids.length > 0) found.push({ instanceId, connectionIds: ids });
          }
          return Promise.resolve(found);
        },
        instances() {
          const now = context().clock.now();
          const list: InstanceInfo[] = [];
          for (const [instanceId, member] of members) {
            let connections = 0;
            const users = new Set<UserId>();
            for (const c of member.localConnections()) {
              connections++;
              users.add(c.userId);
            }
            list.push({
              instanceId,
              ...(urls.has(instanceId) ? { url: urls.get(instanceId) as string } : {}),
              lastHeartbeatAt: now,
              connections,
              users: users.size,
              self: instanceId === self(),
            });
          }
          return Promise.resolve(list);
        },
        health: () => Promise.resolve({ status: 'ready' }),
      };
    },
  };
}
