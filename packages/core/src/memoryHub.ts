import type {
  ClusterAdapter,
  ClusterContext,
  DeliveryTarget,
  InstanceInfo,
  PresenceChange,
  UserLocation,
} from './cluster.js';
import { CloseCode } from './closeCodes.js';
import { WsError } from './errors.js';
import type { ServerFrame } from './frames.js';
import type { ConnectionId, InstanceId, Offset, UserId } from './ids.js';
import { compareOffsets } from './offsets.js';
import { checkOptionKeys } from './optionKeys.js';
import type { MemoryAdapterOptions, MemoryHubOptions } from './memoryHubOptions.js';
import {
  memoryAdapterOptionKeys,
  memoryHubDefaults,
  memoryHubOptionKeys,
} from './memoryHubOptions.js';
import type { MemoryAdmissions } from './internal/memoryAdmissions.js';
import { createMemoryAdmissions } from './internal/memoryAdmissions.js';
import type { MemoryHistory } from './internal/memoryHistory.js';
import { createMemoryHistory } from './internal/memoryHistory.js';
import type { MemoryPresence } from './internal/memoryPresence.js';
import { createMemoryPresence } from './internal/memoryPresence.js';
import type { MemorySessions } from './internal/memorySessions.js';
import { createMemorySessions } from './internal/memorySessions.js';

export { memoryHubDefaults } from './memoryHubOptions.js';
export type { MemoryAdapterOptions, MemoryHubOptions } from './memoryHubOptions.js';

/**
 * In-memory cluster state shared by the managers of one process: bounded history, bounded
 * sessions, per-user admission, and the relay of frames between its instances. `localCluster()` is a hub
 * with one instance; tests use several to exercise cross-instance paths without Redis.
 */
export interface MemoryHub {
  adapter(options?: MemoryAdapterOptions): ClusterAdapter;
}

/** The stores of one hub and its instances, shared by every adapter made from it. */
interface HubStores {
  readonly history: MemoryHistory;
  readonly sessions: MemorySessions;
  readonly admissions: MemoryAdmissions;
  readonly presence: MemoryPresence;
  /** The started instances, by id (the `deliverLocal` of each). */
  readonly members: Map<InstanceId, ClusterContext>;
  readonly urls: Map<InstanceId, string>;
}

/** Another instance on the hub, after a hop as on a network (undefined: gone, or this one). */
async function peerOf(
  stores: HubStores,
  self: InstanceId,
  instanceId: InstanceId,
): Promise<ClusterContext | undefined> {
  await Promise.resolve();
  return instanceId === self ? undefined : stores.members.get(instanceId);
}

/** Hands a frame to every instance but `self`, after the current call stack (like a network hop). */
function relay(
  stores: HubStores,
  self: InstanceId,
  handOver: (ctx: ClusterContext) => void,
): boolean {
  let any = false;
  for (const [id, ctx] of stores.members) {
    if (id === self) continue;
    any = true;
    queueMicrotask(() => {
      try {
        handOver(ctx);
      } catch (err) {
        ctx.onError(err, { stage: 'memory-relay' });
      }
    });
  }
  return any;
}

/** One instance's adapter on the hub: its lifecycle, admission, sessions and history calls. */
function createAdapter(stores: HubStores, adapterOptions: MemoryAdapterOptions): ClusterAdapter {
  const { history, sessions, admissions, presence, members, urls } = stores;
  let ctx: ClusterContext | undefined;
  const context = (): ClusterContext => {
    if (ctx === undefined) throw new WsError('unavailable', 'cluster adapter not started');
    return ctx;
  };
  const self = (): InstanceId => context().instanceId;
  const now = (): number => context().clock.now();
  /** True when another instance shares the hub (else a publish has no one to reach). */
  const hasPeers = (): boolean => members.size > 1;
  const publish = (frame: ServerFrame, target: DeliveryTarget): boolean =>
    hasPeers() && relay(stores, self(), (peer) => peer.deliverLocal(target, frame));
  /** Tells the other instances of a presence change (this one learns it from the answer). */
  const tellPeers = (change: PresenceChange): void => {
    relay(stores, self(), (peer) => peer.presenceChanged?.(change));
  };

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
      if (adapterOptions.publicUrl !== undefined) urls.set(c.instanceId, adapterOptions.publicUrl);
      history.begin(c.clock);
      return Promise.resolve();
    },
    stop() {
      if (ctx !== undefined) {
        const me = ctx.instanceId;
        // Core left every thread before stopping; whatever is still counted goes, and is told.
        for (const change of presence.purge(me)) tellPeers(change);
        members.delete(me);
        urls.delete(me);
        admissions.purge(me);
      }
      return Promise.resolve();
    },
    admit(userId, connectionId) {
      const c = context();
      const decision = admissions.admit(userId, { connectionId, instanceId: self() }, c.limits);
      if (!decision.admitted) return Promise.resolve(decision);
      for (const victim of decision.evicted) {
        const owner = members.get(victim.instanceId);
        if (owner !== undefined && victim.instanceId !== self()) {
          queueMicrotask(() => owner.evictLocal(victim.connectionId, CloseCode.evicted));
        }
      }
      return Promise.resolve({
        admitted: true,
        evict: decision.evicted.map((v) => v.connectionId),
      });
    },
    release(userId, connectionId) {
      admissions.release(userId, connectionId);
      return Promise.resolve();
    },
    onLocalJoin: () => Promise.resolve(),
    onLocalLeave: () => Promise.resolve(),
    // The publish methods answer synchronously: a send inside one process needs no microtask.
    publishToUser: (userId, frame) => ({ published: publish(frame, { kind: 'user', userId }) }),
    publishAll: (frame) => ({ published: publish(frame, { kind: 'all' }) }),
    publishToThread(threadId, frame) {
      const stamped = history.append(threadId, frame, now);
      const published = publish(stamped, { kind: 'thread', threadId });
      return { offset: stamped.offset as Offset, published };
    },
    threadOffset: () => Promise.resolve(history.newest()),
    // eslint-disable-next-line max-params -- the port's signature (ClusterAdapter.history)
    history(threadId, afterOffset, notBefore, read) {
      const from = compareOffsets(afterOffset, notBefore) >= 0 ? afterOffset : notBefore;
      const how = read === undefined ? { now } : { now, limit: read.limit };
      return Promise.resolve(history.read(threadId, from, how));
    },
    saveSession(token, session, generation) {
      const at = now();
      const write = { generation, now: at, ttlMs: context().sessionTtlMs };
      return Promise.resolve(sessions.save(token, session, write));
    },
    takeSession: (token, userId) => Promise.resolve(sessions.take(token, userId, now)),
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
      const at = now();
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
          lastHeartbeatAt: at,
          connections,
          users: users.size,
          self: instanceId === self(),
        });
      }
      return Promise.resolve(list);
    },
    health: () => Promise.resolve({ status: 'ready' }),
    async disconnectUser(userId, close) {
      const me = self();
      await Promise.resolve(); // a hop, as on a network
      let closed = 0;
      for (const [id, peer] of members)
        if (id !== me) closed += peer.closeUserLocal?.(userId, close) ?? 0;
      return closed;
    },
    presenceJoin(threadId, userId) {
      const first = presence.join(threadId, userId, self());
      if (first) tellPeers({ threadId, joins: [userId], leaves: [] });
      return Promise.resolve(first);
    },
    presenceLeave(threadId, userId) {
      const last = presence.leave(threadId, userId, self());
      if (last) tellPeers({ threadId, joins: [], leaves: [userId] });
      return Promise.resolve(last);
    },
    presence: (threadId, page) => Promise.resolve(presence.page(threadId, page)),
    presenceCount: (threadId) => Promise.resolve(presence.count(threadId)),
    // An instance not on the hub is gone, and so are its connections.
    async sendToConnection({ instanceId, connectionId }, frame) {
      const owner = await peerOf(stores, self(), instanceId);
      if (owner === undefined) return 'not_found';
      return owner.sendLocal?.(connectionId, frame) ?? 'no_answer';
    },
    async receive({ instanceId, connectionId }, request) {
      const owner = await peerOf(stores, self(), instanceId);
      if (owner === undefined) return { outcome: 'unknown' };
      return owner.receiveLocal?.(connectionId, request) ?? { outcome: 'no_answer' };
    },
  };
}

/**
 * Creates in-memory cluster state: the history, the sessions and the admissions, three stores
 * apart, shared by the adapters made from it. Offsets are `<epoch>-<sequence>` (epoch: the first
 * start).
 */
export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  checkOptionKeys<MemoryHubOptions>(options, memoryHubOptionKeys, 'createMemoryCluster options');
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
  const stores: HubStores = {
    history: createMemoryHistory({ historySize, historyTtlMs, maxHistoryThreads, keepHistory }),
    sessions: createMemorySessions(maxSessions),
    admissions: createMemoryAdmissions(),
    presence: createMemoryPresence(),
    members: new Map(),
    urls: new Map(),
  };
  return {
    adapter: (adapterOptions: MemoryAdapterOptions = {}): ClusterAdapter => {
      checkOptionKeys<MemoryAdapterOptions>(
        adapterOptions,
        memoryAdapterOptionKeys,
        'hub.adapter options',
      );
      return createAdapter(stores, adapterOptions);
    },
  };
}
