import type { AdmitResult, ConnectionId, UserId } from '@ws/core';
import { CloseCode } from '@ws/core';
import { evictEnvelope } from './envelope.js';
import { admitScript, releaseScript } from './scripts.js';
import type { Shared } from './shared.js';
import { member, parseMember } from './shared.js';

/**
 * Admits against local counts only, while Redis is unreachable: the instance keeps serving its
 * own users (the registry is reconciled once Redis is back).
 */
function admitLocally(s: Shared, userId: UserId, connectionId: ConnectionId): AdmitResult {
  const { maxConnectionsPerUser, onUserLimit } = s.ctx.limits;
  const mine = [...s.admitted].filter(([, u]) => u === userId).map(([c]) => c);
  let evict: ConnectionId[] = [];
  if (mine.length >= maxConnectionsPerUser) {
    if (onUserLimit === 'reject') {
      return {
        admitted: false,
        reason: `user has ${mine.length} connections (limit ${maxConnectionsPerUser})`,
      };
    }
    evict = mine.slice(0, mine.length - maxConnectionsPerUser + 1);
    for (const c of evict) s.admitted.delete(c);
  }
  s.admitted.set(connectionId, userId);
  s.dirty = true;
  s.m.localAdmissions.inc();
  return { admitted: true, evict };
}

/** Cluster-wide, atomic per-user admission (Lua); evicts remote victims through their instance. */
export async function admit(
  s: Shared,
  userId: UserId,
  connectionId: ConnectionId,
): Promise<AdmitResult> {
  const { maxConnectionsPerUser, onUserLimit } = s.ctx.limits;
  let reply: [number, ...(string | number)[]];
  s.pendingUsers.set(userId, (s.pendingUsers.get(userId) ?? 0) + 1);
  try {
    if (!s.link.cmdReady()) throw new Error('redis not ready');
    await s.link.call('SADD', s.keys.instanceUsers(s.self), userId);
    reply = (await s.link.run(
      admitScript,
      [s.keys.userConns(userId), s.keys.userSeq(userId)],
      [member(s.self, connectionId), maxConnectionsPerUser, onUserLimit],
    )) as [number, ...(string | number)[]];
  } catch (err) {
    s.m.commandFailures.inc(1, { op: 'admit' });
    s.ctx.logger.warn('redis unavailable: admitting against local counts', { error: String(err) });
    return admitLocally(s, userId, connectionId);
  } finally {
    const n = (s.pendingUsers.get(userId) ?? 1) - 1;
    if (n <= 0) s.pendingUsers.delete(userId);
    else s.pendingUsers.set(userId, n);
  }
  const [ok, ...rest] = reply;
  if (Number(ok) !== 1) {
    return {
      admitted: false,
      reason: `user has ${String(rest[0])} connections (limit ${maxConnectionsPerUser})`,
    };
  }
  s.admitted.set(connectionId, userId);
  const evict: ConnectionId[] = [];
  for (const raw of rest) {
    const victim = parseMember(String(raw));
    if (victim === undefined) continue;
    evict.push(victim.connectionId);
    if (victim.instanceId === s.self) {
      s.admitted.delete(victim.connectionId);
      continue;
    }
    const msg = evictEnvelope(s.self, victim.connectionId, CloseCode.evicted);
    s.link
      .publish(s.keys.controlChannel(victim.instanceId), msg)
      .catch((err: unknown) => s.ctx.onError(err, { stage: 'redis-evict' }));
  }
  return { admitted: true, evict };
}

/** Forgets an admitted connection; a failure leaves the registry to the next reconcile. */
export async function release(
  s: Shared,
  userId: UserId,
  connectionId: ConnectionId,
): Promise<void> {
  if (!s.admitted.delete(connectionId)) return;
  try {
    if (!s.link.cmdReady()) throw new Error('redis not ready');
    await s.link.run(
      releaseScript,
      [s.keys.userConns(userId), s.keys.userSeq(userId)],
      [member(s.self, connectionId)],
    );
    let still = false;
    for (const u of s.admitted.values()) if (u === userId) still = true;
    if (!still && !s.pendingUsers.has(userId))
      await s.link.call('SREM', s.keys.instanceUsers(s.self), userId);
  } catch {
    s.m.commandFailures.inc(1, { op: 'release' });
    s.dirty = true;
  }
}
