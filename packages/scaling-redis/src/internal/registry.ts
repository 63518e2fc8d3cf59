import type { ConnectionId, InstanceId, InstanceInfo, UserId, UserLocation } from '@ws/core';
import { forgetScript, heartbeatScript, listScript, reconcileScript } from './scripts.js';
import { claimPurge, purgePresence, releasePurge } from './presencePurge.js';
import { onHeartbeat, presenceTick } from './presenceRepair.js';
import type { Shared } from './shared.js';
import { member, parseMember } from './shared.js';

interface StoredInfo {
  readonly url?: string;
  readonly at: number;
  readonly connections: number;
  readonly users: number;
  readonly state?: 'running' | 'draining';
}

function localCounts(s: Shared): { connections: number; users: number } {
  let connections = 0;
  const users = new Set<UserId>();
  for (const c of s.ctx.localConnections()) {
    connections++;
    users.add(c.userId);
  }
  return { connections, users: users.size };
}

function lifecycleState(s: Shared): 'running' | 'draining' {
  return s.ctx.lifecycle?.() === 'draining' ? 'draining' : 'running';
}

function selfInfo(s: Shared): StoredInfo {
  return {
    ...(s.o.publicUrl === undefined ? {} : { url: s.o.publicUrl }),
    at: s.ctx.clock.now(),
    ...localCounts(s),
    state: lifecycleState(s),
  };
}

/** This instance as `instances()` reports it when Redis cannot be asked. */
export function selfEntry(s: Shared): InstanceInfo {
  const info = selfInfo(s);
  return {
    instanceId: s.self,
    ...(info.url === undefined ? {} : { url: info.url }),
    lastHeartbeatAt: info.at,
    connections: info.connections,
    users: info.users,
    self: true,
    state: lifecycleState(s),
  };
}

/**
 * Refreshes this instance's record and liveness; returns the dead instances. Marks the registry
 * dirty when this instance was not alive there (purged by a peer, or Redis lost its data).
 */
export async function heartbeat(s: Shared): Promise<InstanceId[]> {
  const ttl = 2 * s.o.heartbeatMs;
  const reply = (await s.link.run(
    heartbeatScript,
    [
      ...[s.keys.instances, s.keys.alive, s.keys.epoch],
      ...[s.keys.purgeClaim(s.self), s.keys.purged(s.self)],
    ],
    [s.self, JSON.stringify(selfInfo(s)), ttl],
  )) as [number, string, number, string, ...string[]];
  const [was, epoch, claimed, marker, ...dead] = reply;
  // Not alive there (purged by a peer) or a new epoch (Redis lost its data): write back.
  if ((Number(was) !== 1 || epoch !== s.epoch) && s.registered) s.dirty = true;
  if (s.registered)
    onHeartbeat(s, { newEpoch: epoch !== s.epoch, claimed: Number(claimed) === 1, marker });
  s.epoch = epoch;
  s.registered = true;
  return (dead as InstanceId[]).filter((id) => id !== s.self);
}

/** One instance's entries of one user, as they must be: exactly the members `keep`. */
interface UserEntries {
  readonly instanceId: InstanceId;
  readonly userId: UserId;
  readonly keep: readonly string[];
}

/** Makes one instance's entries of one user exactly `keep`. */
async function reconcileUser(s: Shared, entries: UserEntries): Promise<void> {
  const { instanceId, userId, keep } = entries;
  await s.link.run(
    reconcileScript,
    [s.keys.userConns(userId), s.keys.userSeq(userId)],
    [`${instanceId}|`, ...keep],
  );
}

/**
 * Removes every registry entry and the presence of an instance (dead, or this one at stop), then
 * forgets it. A dead one's purge is claimed first: one survivor purges it (another takes over
 * when the claim expires), and none while it is alive again.
 */
export async function purgeInstance(
  s: Shared,
  instanceId: InstanceId,
  force: boolean,
): Promise<boolean> {
  if (!force && !(await claimPurge(s, instanceId))) return false;
  try {
    const index = s.keys.instanceUsers(instanceId);
    const users = (await s.link.call('SMEMBERS', index)) as UserId[];
    for (const userId of users) await reconcileUser(s, { instanceId, userId, keep: [] });
    await s.link.call('DEL', index);
    await purgePresence(s, instanceId);
    // Before the instance is forgotten: a failure leaves it dead, and the next sweep writes again.
    if (!force && s.lifecycle !== undefined) await s.lifecycle.lost(instanceId);
    return (
      Number(
        await s.link.run(
          forgetScript,
          [s.keys.instances, s.keys.alive],
          [instanceId, force ? '1' : '0'],
        ),
      ) === 1
    );
  } finally {
    if (!force) await releasePurge(s, instanceId);
  }
}

/** Writes this instance's admitted connections back into the registry, exactly. */
export async function reconcile(s: Shared): Promise<void> {
  const byUser = new Map<UserId, string[]>();
  for (const [connectionId, userId] of s.admitted) {
    let list = byUser.get(userId);
    if (list === undefined) byUser.set(userId, (list = []));
    list.push(member(s.self, connectionId));
  }
  const index = s.keys.instanceUsers(s.self);
  const indexed = (await s.link.call('SMEMBERS', index)) as UserId[];
  if (byUser.size > 0) await s.link.call('SADD', index, ...byUser.keys());
  for (const userId of new Set([...indexed, ...byUser.keys()])) {
    await reconcileUser(s, { instanceId: s.self, userId, keep: byUser.get(userId) ?? [] });
  }
  const gone = indexed.filter((u) => !byUser.has(u));
  if (gone.length > 0) await s.link.call('SREM', index, ...gone);
  // The list a survivor writes this instance's `instance_lost` disconnects from, were it to die.
  await s.lifecycle?.relist(s.admitted);
}

/** One heartbeat tick: refresh, reconcile when needed, purge dead peers. Never throws. */
export async function tick(s: Shared): Promise<void> {
  if (s.stopped) return;
  if (!s.link.cmdReady()) {
    s.outage = true;
    return;
  }
  let dead: InstanceId[];
  try {
    dead = await heartbeat(s);
  } catch (err) {
    s.outage = true;
    s.m.commandFailures.inc(1, { op: 'heartbeat' });
    s.ctx.logger.debug('heartbeat failed', { error: String(err) });
    return;
  }
  if (s.dirty) {
    s.dirty = false;
    try {
      await reconcile(s);
    } catch (err) {
      s.dirty = true;
      s.m.commandFailures.inc(1, { op: 'reconcile' });
      s.ctx.logger.debug('registry reconcile failed', { error: String(err) });
    }
  }
  await presenceTick(s);
  s.knownDead.clear();
  for (const id of dead) s.knownDead.add(id);
  if (s.outage) {
    s.outage = false;
    s.purgeAfter = s.ctx.clock.now() + 2 * s.o.heartbeatMs;
  }
  if (s.ctx.clock.now() < s.purgeAfter) return;
  for (const id of dead) {
    if (s.stopped) return;
    try {
      if (await purgeInstance(s, id, false)) {
        s.m.purged.inc();
        s.ctx.logger.info('purged a dead instance', { instanceId: id });
      }
    } catch (err) {
      s.ctx.onError(err, { stage: 'redis-purge' });
    }
  }
}

/** Every live instance the registry knows (this one always included). */
export async function instances(s: Shared): Promise<InstanceInfo[]> {
  // Core asks for peers as its drain begins: advertise `draining` first, so no peer sends its
  // own clients here meanwhile.
  if (lifecycleState(s) === 'draining' && !s.drainingAdvertised) {
    s.drainingAdvertised = true;
    try {
      await heartbeat(s);
    } catch (err) {
      s.ctx.logger.debug('could not advertise draining', { error: String(err) });
    }
  }
  let reply: [string, string[], string[]];
  try {
    reply = (await s.link.run(listScript, [s.keys.instances, s.keys.alive], [])) as [
      string,
      string[],
      string[],
    ];
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'instances' });
    s.ctx.logger.debug('instances: redis unavailable', { error: String(err) });
    return [selfEntry(s)];
  }
  const [nowText, hash, zset] = reply;
  const now = Number(nowText);
  const deadline = new Map<string, number>();
  for (let i = 0; i + 1 < zset.length; i += 2) deadline.set(zset[i] as string, Number(zset[i + 1]));
  const out: InstanceInfo[] = [selfEntry(s)];
  for (let i = 0; i + 1 < hash.length; i += 2) {
    const id = hash[i] as InstanceId;
    if (id === s.self || (deadline.get(id) ?? 0) < now) continue;
    let info: StoredInfo;
    try {
      info = JSON.parse(hash[i + 1] as string) as StoredInfo;
    } catch {
      continue;
    }
    out.push({
      instanceId: id,
      ...(typeof info.url === 'string' ? { url: info.url } : {}),
      lastHeartbeatAt: Number(info.at) || 0,
      connections: Number(info.connections) || 0,
      users: Number(info.users) || 0,
      self: false,
      state: info.state === 'draining' ? 'draining' : 'running',
    });
  }
  return out;
}

/** Where a user's connections are, by the registry (dead instances left out). */
export async function findUser(s: Shared, userId: UserId): Promise<UserLocation[]> {
  const members = (await s.link.call('ZRANGE', s.keys.userConns(userId), 0, -1)) as string[];
  const by = new Map<InstanceId, ConnectionId[]>();
  for (const m of members) {
    const p = parseMember(m);
    if (p === undefined || s.knownDead.has(p.instanceId)) continue;
    let list = by.get(p.instanceId);
    if (list === undefined) by.set(p.instanceId, (list = []));
    list.push(p.connectionId);
  }
  return [...by].map(([instanceId, connectionIds]) => ({ instanceId, connectionIds }));
}
