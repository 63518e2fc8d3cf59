import type { ClusterAdapter, ClusterContext, TimerHandle } from '@ws/core';
import { WsError } from '@ws/core';
import type { Control } from './internal/control.js';
import { createControl } from './internal/control.js';
import type { Probe } from './internal/health.js';
import { createProbe } from './internal/health.js';
import { disconnectUser, receive, sendToConnection, serveRemote } from './internal/remoteOps.js';
import { history, publishToThread, threadOffset } from './internal/history.js';
import { createKeys } from './internal/keys.js';
import { createLifecycleWriter } from './internal/lifecycle.js';
import { admit, release } from './internal/limits.js';
import type { Link } from './internal/link.js';
import { createLink } from './internal/link.js';
import {
  createPresenceState,
  presence,
  presenceCount,
  presenceJoin,
  presenceLeave,
} from './internal/presence.js';
import { findUser, instances, purgeInstance, tick } from './internal/registry.js';
import type { Routing } from './internal/routing.js';
import { createRouting } from './internal/routing.js';
import { saveSession, takeSession } from './internal/sessions.js';
import type { Shared } from './internal/shared.js';
import { registerMetrics } from './internal/shared.js';
import type { RedisClusterOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';

/** A paged read's limit, checked before it reaches Redis as a `COUNT`. */
function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new WsError('invalid_options', 'a history read limit must be a positive integer');
  }
  return limit;
}

interface Running {
  readonly s: Shared;
  readonly control: Control;
  readonly routing: Routing;
  readonly probe: Probe;
  readonly timers: TimerHandle[];
}

/** The state shared by the adapter's parts, at `start`. */
function createShared(o: ResolvedOptions, at: { ctx: ClusterContext; link: Link }): Shared {
  const { ctx, link } = at;
  const keys = createKeys(o.keyPrefix);
  return {
    o,
    keys,
    link,
    ctx,
    self: ctx.instanceId,
    m: registerMetrics(ctx),
    admitted: new Map(),
    pendingUsers: new Map(),
    knownDead: new Set(),
    dirty: false,
    stopped: false,
    registered: false,
    epoch: undefined,
    drainingAdvertised: false,
    presence: createPresenceState(),
    outage: false,
    purgeAfter: 0,
    lifecycle:
      o.lifecycle === undefined
        ? undefined
        : createLifecycleWriter({
            config: o.lifecycle,
            link,
            ctx,
            keyPrefix: o.keyPrefix,
            connsKey: (i) => keys.lifecycleConns(i),
          }),
  };
}

/** The port's methods that also write lifecycle events (when the `lifecycle` option is set). */
function lifecycleMethods(
  need: () => Running,
): Pick<ClusterAdapter, 'admit' | 'release' | 'presenceJoin' | 'presenceLeave'> {
  return {
    admit: async (userId, connectionId) => {
      const { s } = need();
      const result = await admit(s, userId, connectionId);
      if (result.admitted) s.lifecycle?.connect(userId, connectionId);
      return result;
    },
    release: (userId, connectionId, close) => {
      const { s } = need();
      s.lifecycle?.disconnect(userId, connectionId, close);
      return release(s, userId, connectionId);
    },
    presenceJoin: (threadId, userId, connectionId) => {
      const { s } = need();
      s.lifecycle?.join(threadId, userId, connectionId);
      return presenceJoin(s, { threadId, userId, connectionId });
    },
    presenceLeave: (threadId, userId, connectionId) => {
      const { s } = need();
      s.lifecycle?.leave(threadId, userId, connectionId);
      return presenceLeave(s, { threadId, userId, connectionId });
    },
  };
}

/**
 * Creates core's `ClusterAdapter` on Redis (one server or Redis Cluster): routing by channel,
 * an instance registry with liveness, cluster-wide per-user limits, thread history on Streams,
 * sessions and health. Pass it as the manager's `cluster` option; use it only through the
 * manager (`findUser`, `getClusterStats`, sends).
 */
export function redisCluster(options: RedisClusterOptions): ClusterAdapter {
  const o = resolveOptions(options);
  let running: Running | undefined;

  const need = (): Running => {
    if (running === undefined)
      throw new WsError('unavailable', 'redis cluster adapter not started');
    return running;
  };

  function start(ctx: ClusterContext): Promise<void> {
    if (running !== undefined)
      return Promise.reject(
        new WsError('invalid_options', 'redis cluster adapter already started'),
      );
    const link = createLink(o, ctx.clock);
    const s = createShared(o, { ctx, link });
    const control = createControl(s);
    serveRemote(control, ctx);
    const routing = createRouting(s, (env) => control.handle(env));
    const probe = createProbe(s, () => routing.receives(s.keys.controlChannel(s.self)));
    const r: Running = { s, control, routing, probe, timers: [] };
    running = r;

    let outage = false;
    let everReady = false;
    let onRegistered: (() => void) | undefined;
    const registered = new Promise<void>((resolve) => (onRegistered = resolve));

    let beating = false;
    const beat = async (): Promise<void> => {
      if (beating) return; // one tick at a time: a slow Redis must not stack them up
      beating = true;
      try {
        await tick(s);
        await s.lifecycle?.flush();
        if (s.registered) onRegistered?.();
        await routing.tick();
      } finally {
        beating = false;
      }
    };
    const report = (err?: Error): void => {
      if (outage || s.stopped) return;
      outage = true;
      ctx.onError(
        new WsError('cluster_error', `redis connection lost: ${err?.message ?? 'closed'}`, {
          cause: err,
        }),
        {
          stage: 'redis-connection',
        },
      );
    };
    link.onCommand('error', report);
    link.onSubscriber('error', report);
    link.onCommand('close', () => {
      if (everReady) report();
    });
    link.onCommand('ready', () => {
      outage = false;
      // After a reconnect Redis may have lost or purged our entries: write them back.
      if (everReady) s.dirty = true;
      everReady = true;
      void beat();
      void s.lifecycle?.flush();
    });

    r.timers.push(ctx.clock.setInterval(() => void beat(), o.heartbeatMs));
    r.timers.push(ctx.clock.setInterval(() => void probe.run(), o.probeIntervalMs));

    return new Promise<void>((resolve) => {
      const timer = ctx.clock.setTimeout(resolve, o.startTimeoutMs);
      // Started once registered and subscribed: a peer's publication after that reaches us.
      void Promise.all([registered, routing.subscribed]).then(() => {
        ctx.clock.clear(timer);
        resolve();
      });
    });
  }

  return {
    name: 'redis',
    start,
    async stop() {
      const r = running;
      if (r === undefined || r.s.stopped) return;
      r.s.stopped = true;
      for (const t of r.timers) r.s.ctx.clock.clear(t);
      r.control.stop();
      if (r.s.link.cmdReady()) {
        await r.s.lifecycle?.flush();
        try {
          await purgeInstance(r.s, r.s.self, true);
        } catch (err) {
          r.s.ctx.onError(err, { stage: 'redis-deregister' });
        }
      }
      await r.s.link.close();
    },
    ...lifecycleMethods(need),
    onLocalJoin: (scope) => need().routing.join(scope),
    onLocalLeave: (scope) => need().routing.leave(scope),
    publishToUser: (userId, frame) => need().routing.publishToUser(userId, frame),
    publishAll: (frame) => need().routing.publishAll(frame),
    publishToThread: (threadId, frame) => publishToThread(need(), threadId, frame),
    threadOffset: (threadId) => threadOffset(need(), threadId),
    // eslint-disable-next-line max-params -- the port's signature (ClusterAdapter.history)
    history: (threadId, afterOffset, notBefore, read) =>
      history(need().s, {
        threadId,
        afterOffset,
        notBefore,
        ...(read === undefined ? {} : { limit: pageLimit(read.limit) }),
      }),
    saveSession: (token, session, generation) =>
      saveSession(need().s, { token, session, generation }),
    takeSession: (token, userId) => takeSession(need().s, token, userId),
    findUser: (userId) => findUser(need().s, userId),
    instances: () => instances(need().s),
    disconnectUser: (userId, close) => disconnectUser(need(), userId, close),
    sendToConnection: (target, frame) => sendToConnection(need(), target, frame),
    receive: (target, request) => receive(need(), target, request),
    presence: (threadId, page) => presence(need().s, threadId, page),
    presenceCount: (threadId) => presenceCount(need().s, threadId),
    health: () =>
      Promise.resolve(
        running === undefined ? { status: 'down', detail: 'not started' } : running.probe.health(),
      ),
  };
}
