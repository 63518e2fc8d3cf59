import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterAdapter } from './cluster.js';
import type { MessageFrame, ServerFrame } from './frames.js';
import type { ConnectionId, UserId } from './ids.js';
import { threadId as asThread, userId as asUser } from './ids.js';
import { silentLogger } from './logger.js';
import type { Manager } from './api.js';
import { createManager } from './manager.js';
import type { MemoryClient } from './testing/index.js';
import { createMemoryCluster, createMemorySocketPair } from './testing/index.js';

/**
 * The isolation property: every frame a socket receives was addressed to its own user, or to a
 * thread its session belonged to at send time; after churn the registry holds exactly the live
 * connections. Operations interleave under fast-check's scheduler, which also reorders every
 * cluster-adapter await inside the managers.
 */

const USERS = 220;
const THREADS = ['t0', 't1', 't2', 't3', 't4', 'room:a', 'room:b'];

type Op =
  | {
      readonly op: 'connect';
      readonly user: number;
      readonly inst: number;
      readonly resume: number | null;
    }
  | {
      readonly op: 'join' | 'leave' | 'publish' | 'resume';
      readonly conn: number;
      readonly thread: number;
    }
  | { readonly op: 'sendUser'; readonly user: number; readonly inst: number }
  | { readonly op: 'sendThread'; readonly thread: number; readonly inst: number }
  | { readonly op: 'disconnect'; readonly conn: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('connect' as const),
      user: fc.nat(USERS - 1),
      inst: fc.nat(1),
      resume: fc.option(fc.nat(400), { nil: null }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('join' as const),
      conn: fc.nat(400),
      thread: fc.nat(THREADS.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('leave' as const, 'resume' as const),
      conn: fc.nat(400),
      thread: fc.nat(THREADS.length - 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('publish' as const),
      conn: fc.nat(400),
      thread: fc.nat(THREADS.length - 1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('sendUser' as const),
      user: fc.nat(USERS - 1),
      inst: fc.nat(1),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('sendThread' as const),
      thread: fc.nat(THREADS.length - 1),
      inst: fc.nat(1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('disconnect' as const), conn: fc.nat(400) }),
  },
);

interface Interval {
  start: number;
  end: number | undefined;
}
interface Lineage {
  readonly user: UserId;
  readonly threads: Map<string, Interval[]>;
}
interface Conn {
  readonly user: UserId;
  readonly client: MemoryClient;
  readonly inst: number;
  lineage: Lineage;
  id: ConnectionId | undefined;
  token: string | undefined;
  alive: boolean;
  resumedFrom: boolean;
}
type Sent =
  | { readonly kind: 'user'; readonly user: UserId; readonly start: number; end: number }
  | { readonly kind: 'thread'; readonly thread: string; readonly start: number; end: number };

type AdapterWrap = (inner: ClusterAdapter, s: fc.Scheduler) => ClusterAdapter;

/** Passes every async adapter call through the scheduler, so awaits inside core reorder. */
const scheduled: AdapterWrap = (inner, s) => {
  const wrapped = { ...inner };
  const keys = [
    'admit',
    'release',
    'onLocalJoin',
    'onLocalLeave',
    'publishToUser',
    'publishAll',
    'publishToThread',
    'threadOffset',
    'history',
    'saveSession',
    'takeSession',
    'findUser',
  ] as const;
  for (const k of keys) {
    const fn = inner[k] as (...args: unknown[]) => unknown;
    (wrapped as Record<string, unknown>)[k] = (...args: unknown[]) =>
      s.schedule(Promise.resolve(fn(...args)));
  }
  return wrapped;
};

/** A deliberately leaky adapter: remote user messages go to the next user instead. */
const leaky: AdapterWrap = (inner, s) => {
  const base = scheduled(inner, s);
  return {
    ...base,
    publishToUser(userId, frame) {
      const n = Number(userId.slice(1));
      return base.publishToUser(asUser(`u${(n + 1) % USERS}`), frame);
    },
  };
};

/** Releases scheduled awaits until every promise settled (new ones may be scheduled on the way). */
async function settle(s: fc.Scheduler, promises: readonly Promise<unknown>[]): Promise<void> {
  let done = false;
  const all = Promise.all(promises).finally(() => {
    done = true;
  });
  for (let turns = 0; !done; turns++) {
    if (turns > 10_000) throw new Error('operations never settled: a scheduled await was lost');
    await s.waitAll();
    await new Promise<void>((r) => setImmediate(r));
  }
  await all;
}

async function runScenario(
  s: fc.Scheduler,
  ops: readonly Op[],
  instances: number,
  wrap: AdapterWrap,
): Promise<void> {
  const hub = createMemoryCluster();
  const managers: Manager[] = [];
  for (let i = 0; i < instances; i++) {
    managers.push(
      createManager({
        instanceId: `i${i}`,
        cluster: wrap(hub.adapter(), s),
        logger: silentLogger(),
        authorizeThread: () => true,
        authorizeDirect: () => true,
        maxConnectionsPerUser: 50,
        inboundRate: { perSecond: 1e6, burst: 1e6 },
      }),
    );
  }
  const mgr = (i: number): Manager => managers[i % instances] as Manager;
  let tick = 0;
  const conns: Conn[] = [];
  const sent = new Map<number, Sent>();
  let nextTag = 0;
  const pending: Promise<unknown>[] = [];

  const connect = async (user: UserId, inst: number, from: Conn | undefined): Promise<void> => {
    const pair = createMemorySocketPair();
    const conn: Conn = {
      user,
      client: pair.client,
      inst,
      lineage: { user, threads: new Map() },
      id: undefined,
      token: undefined,
      alive: true,
      resumedFrom: false,
    };
    conns.push(conn);
    const options = from?.token === undefined ? {} : { resumeToken: from.token };
    try {
      conn.id = await mgr(inst).connectUser(user, pair.server, options);
      const welcome = pair.client.frames()[0] as Extract<ServerFrame, { type: 'welcome' }>;
      conn.token = welcome.resumeToken;
      if (from !== undefined && welcome.restored.length > 0) conn.lineage = from.lineage;
    } catch {
      conn.alive = false;
    }
  };
  const live = (i: number): Conn | undefined => {
    const alive = conns.filter((c) => c.alive && c.id !== undefined);
    return alive.length === 0 ? undefined : alive[i % alive.length];
  };

  const run = async (op: Op): Promise<void> => {
    const start = ++tick;
    switch (op.op) {
      case 'connect': {
        const dead = conns.filter((c) => !c.alive && c.id !== undefined && !c.resumedFrom);
        const from =
          op.resume === null || dead.length === 0 ? undefined : dead[op.resume % dead.length];
        if (from !== undefined) from.resumedFrom = true;
        await connect(from?.user ?? asUser(`u${op.user}`), op.inst, from);
        break;
      }
      case 'join': {
        const c = live(op.conn);
        if (c === undefined) break;
        const t = THREADS[op.thread] as string;
        const list = c.lineage.threads.get(t) ?? [];
        if (!list.some((iv) => iv.end === undefined)) list.push({ start, end: undefined });
        c.lineage.threads.set(t, list);
        await mgr(c.inst)
          .joinThread(c.id as ConnectionId, asThread(t))
          .catch(() => {});
        break;
      }
      case 'leave': {
        const c = live(op.conn);
        if (c === undefined) break;
        const t = THREADS[op.thread] as string;
        await mgr(c.inst)
          .leaveThread(c.id as ConnectionId, asThread(t))
          .catch(() => {});
        const end = ++tick;
        for (const iv of c.lineage.threads.get(t) ?? []) if (iv.end === undefined) iv.end = end;
        break;
      }
      case 'publish': {
        const c = live(op.conn);
        if (c === undefined) break;
        const tag = nextTag++;
        const t = THREADS[op.thread] as string;
        sent.set(tag, { kind: 'thread', thread: t, start, end: Number.POSITIVE_INFINITY });
        c.client.sendFrame({ type: 'publish', thread: t, data: { tag }, id: tag });
        break;
      }
      case 'resume': {
        const c = live(op.conn);
        if (c === undefined) break;
        const t = THREADS[op.thread] as string;
        const seen = c.client
          .frames()
          .filter((f): f is MessageFrame => f.type === 'message' && f.thread === t);
        c.client.sendFrame({
          type: 'resume',
          thread: t,
          offset: seen.at(-1)?.offset ?? '0-0',
          id: `r${start}`,
        });
        break;
      }
      case 'sendUser': {
        const tag = nextTag++;
        const info: Sent = {
          kind: 'user',
          user: asUser(`u${op.user}`),
          start,
          end: Number.POSITIVE_INFINITY,
        };
        sent.set(tag, info);
        await mgr(op.inst).sendToUser(info.user, { tag });
        info.end = ++tick;
        break;
      }
      case 'sendThread': {
        const tag = nextTag++;
        const t = THREADS[op.thread] as string;
        const info: Sent = { kind: 'thread', thread: t, start, end: Number.POSITIVE_INFINITY };
        sent.set(tag, info);
        await mgr(op.inst).sendToThread(asThread(t), { tag });
        info.end = ++tick;
        break;
      }
      case 'disconnect': {
        const c = live(op.conn);
        if (c === undefined) break;
        c.alive = false;
        c.client.abort();
        break;
      }
    }
  };

  // 200+ users: everyone connects first (half on each instance), then the random churn.
  for (let u = 0; u < USERS; u++)
    pending.push(s.schedule(Promise.resolve()).then(() => connect(asUser(`u${u}`), u, undefined)));
  await settle(s, pending);
  // Everyone in a thread or two, so sends have audiences and leaks have somewhere to go.
  for (const c of conns) {
    for (const t of [
      THREADS[c.user.length % THREADS.length],
      THREADS[Number(c.user.slice(1)) % THREADS.length],
    ] as string[]) {
      pending.push(
        s
          .schedule(Promise.resolve())
          .then(() => run({ op: 'join', conn: conns.indexOf(c), thread: THREADS.indexOf(t) })),
      );
    }
  }
  for (const op of ops) pending.push(s.schedule(Promise.resolve()).then(() => run(op)));
  await settle(s, pending);
  // Let client frames (publish, resume) and relays finish.
  await settle(s, [new Promise<void>((r) => setTimeout(r, 5))]);

  let checked = 0;
  try {
    for (const c of conns) {
      for (const f of c.client.frames()) {
        if (f.type !== 'message') continue;
        const tag = (f.data as { tag?: number } | null)?.tag;
        if (typeof tag !== 'number') continue;
        checked++;
        const info = sent.get(tag);
        if (info === undefined) throw new Error(`unknown tag ${tag}`);
        if (info.kind === 'user') {
          if (info.user !== c.user)
            throw new Error(`user message for ${info.user} reached ${c.user}`);
          continue;
        }
        if (f.thread !== info.thread)
          throw new Error(`thread message for ${info.thread} arrived labelled ${String(f.thread)}`);
        const ok = (c.lineage.threads.get(info.thread) ?? []).some(
          (iv) => iv.start <= info.end && (iv.end === undefined || iv.end >= info.start),
        );
        if (!ok) {
          const memberships = JSON.stringify([...c.lineage.threads]);
          throw new Error(
            `thread ${info.thread} message reached ${c.user}, not a member at send time (sent ${info.start}-${info.end}, memberships ${memberships})`,
          );
        }
      }
    }
    // After churn the registries hold exactly the live connections.
    for (let i = 0; i < instances; i++) {
      const expected = conns.filter(
        (c) => c.alive && c.id !== undefined && c.inst % instances === i,
      ).length;
      const got = mgr(i).getStats().connections;
      if (got !== expected)
        throw new Error(`instance ${i} holds ${got} connections, ${expected} are live`);
    }
    for (let u = 0; u < USERS; u += 7) {
      const user = asUser(`u${u}`);
      const expected = conns
        .filter((c) => c.alive && c.id !== undefined && c.user === user)
        .map((c) => c.id)
        .sort();
      const lookup = mgr(0).findUser(user);
      await settle(s, [lookup]);
      const found = ((await lookup) ?? { connections: [] }).connections
        .map((c) => c.connectionId)
        .sort();
      if (JSON.stringify(found) !== JSON.stringify(expected))
        throw new Error(`findUser(${user}) = ${found.join(',')}, live: ${expected.join(',')}`);
    }
    if (checked === 0 && ops.length > 60)
      throw new Error('no tagged message was delivered: the scenario exercised nothing');
  } finally {
    await settle(
      s,
      managers.map((m) => m.close()),
    );
  }
}

const opsArb = fc.array(opArb, { minLength: 20, maxLength: 120 });

describe('isolation property', () => {
  it('holds on one manager under random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), opsArb, (s, ops) => runScenario(s, ops, 1, scheduled)),
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);

  it('holds across two managers sharing a cluster', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), opsArb, (s, ops) => runScenario(s, ops, 2, scheduled)),
      { numRuns: 25, endOnFailure: true },
    );
  }, 120_000);

  it("reports a leak when the cluster adapter hands a user's message to another user", async () => {
    const result = await fc.check(
      fc.asyncProperty(fc.scheduler(), opsArb, (s, ops) => runScenario(s, ops, 2, leaky)),
      { numRuns: 25, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/user message for u\d+ reached u\d+/);
  }, 120_000);
});
