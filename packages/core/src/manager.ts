import EventEmitter from 'eventemitter3';
import type { Manager, PluginContext } from './api.js';
import { systemClock } from './clock.js';
import type { ClusterContext, ClusterHealth, InstanceInfo } from './cluster.js';
import { settled } from './internal/maybePromise.js';
import { createJsonCodec } from './codec.js';
import { WsError, toWsError } from './errors.js';
import type { Connection } from './connection.js';
import type { ConnectionId, InstanceId, ThreadId } from './ids.js';
import { isThreadId, isUserId } from './ids.js';
import { registerCoreMetrics } from './internal/coreMetrics.js';
import { connectUser } from './internal/connect.js';
import { joinRecord, leaveRecord } from './internal/join.js';
import { drainAll } from './internal/drain.js';
import { closeRecord } from './internal/records.js';
import {
  broadcast,
  deliverLocal,
  sendToConnection,
  sendToThread,
  sendToUser,
} from './internal/send.js';
import type { ManagerState } from './internal/state.js';
import { userConnections } from './internal/users.js';
import { startSweep } from './internal/sweep.js';
import { createViewFactory } from './internal/view.js';
import { consoleLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { localCluster } from './localCluster.js';
import type { ManagerOptions } from './options.js';
import { resolveLimits } from './options.js';
import { createFrameValidator } from './validateFrame.js';

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  let s = '';
  for (const b of buf) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Creates a manager: one isolated registry of connections, with its own timers and metrics. */
export function createManager(options: ManagerOptions = {}): Manager {
  const limits = resolveLimits(options);
  const instanceId = (options.instanceId ?? randomHex(8)) as InstanceId;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(instanceId)) {
    throw new WsError('invalid_options', 'instanceId must be 1-64 characters of A-Za-z0-9 _ . -');
  }
  const clock = options.clock ?? systemClock();
  const logger = options.logger ?? consoleLogger();
  const metrics = createMetricsRegistry();
  const emitter = new EventEmitter();
  const closeHooks: (() => void | Promise<void>)[] = [];
  let closing: Promise<void> | undefined;

  const state: ManagerState = {
    options,
    limits,
    instanceId,
    clock,
    timeOrigin: clock.now(),
    cluster: options.cluster ?? localCluster(),
    codec: options.codec ?? createJsonCodec(),
    logger,
    metrics,
    m: undefined as unknown as ManagerState['m'],
    createView: undefined as unknown as ManagerState['createView'],
    emitter,
    validator: createFrameValidator(),
    connections: new Map(),
    users: new Map(),
    threads: new Map(),
    newestJoin: new Map(),
    inbound: [],
    outbound: [],
    startedAt: clock.now(),
    lifecycle: 'running',
    nextConnection: 0,
    pendingConnects: 0,
    reportError(err, stage, connectionId) {
      const error = toWsError(err);
      const info = connectionId === undefined ? { stage } : { stage, connectionId };
      try {
        if (options.onError) options.onError(error, info);
        else logger.error(`${stage}: ${error.message}`, { code: error.code, ...info });
        emitter.emit('error', error, info);
      } catch (inner) {
        logger.error(`onError threw while reporting ${stage}`, { error: String(inner) });
      }
      return error;
    },
  };
  (state as { m: ManagerState['m'] }).m = registerCoreMetrics(state);
  (state as { createView: ManagerState['createView'] }).createView = createViewFactory(state);

  const clusterCtx: ClusterContext = {
    instanceId,
    deliverLocal: (target, frame) => {
      deliverLocal(state, target, frame);
    },
    evictLocal(connectionId, code) {
      const rec = state.connections.get(connectionId);
      if (rec === undefined) return false;
      state.m.evicted.inc();
      emitter.emit('evicted', { connectionId, userId: rec.userId, code });
      closeRecord(state, rec, code, 'evicted');
      return true;
    },
    *localConnections() {
      for (const rec of state.connections.values()) {
        yield { connectionId: rec.id, userId: rec.userId, threads: rec.threadIds };
      }
    },
    limits: {
      maxConnectionsPerUser: limits.maxConnectionsPerUser,
      onUserLimit: limits.onUserLimit,
    },
    sessionTtlMs: limits.sessionTtlMs,
    clock,
    metrics,
    logger,
    onError: (err, info) => {
      state.reportError(err, info.stage);
    },
    lifecycle: () => state.lifecycle,
  };
  const started = state.cluster.start(clusterCtx).catch((err: unknown) => {
    state.reportError(err, 'cluster-start');
  });
  const stopSweep = startSweep(state);

  const requireRecord = (connectionId: ConnectionId) => {
    const rec = state.connections.get(connectionId);
    if (rec === undefined)
      throw new WsError('not_found', `no connection ${connectionId} on this instance`);
    return rec;
  };
  const requireThread = (threadId: ThreadId) => {
    if (!isThreadId(threadId))
      throw new WsError('bad_request', 'thread id must be 1-128 characters of A-Za-z0-9 : _ - . @');
  };

  const manager: Manager = {
    instanceId,
    get state() {
      return state.lifecycle;
    },
    metrics,
    limits,

    connectUser: (userId, socket, connectOptions = {}) =>
      connectUser(state, userId, socket, connectOptions, started),

    async joinThread(connectionId, threadId) {
      requireThread(threadId);
      const rec = requireRecord(connectionId);
      if (!rec.threads.has(threadId) && rec.threads.size >= limits.maxThreadsPerConnection) {
        throw new WsError('forbidden', `thread limit reached (${limits.maxThreadsPerConnection})`);
      }
      await joinRecord(state, rec, threadId);
    },
    leaveThread(connectionId, threadId) {
      leaveRecord(state, requireRecord(connectionId), threadId);
      return Promise.resolve();
    },

    sendToUser: (userId, data, o) => settled(() => sendToUser(state, userId, data, o)),
    sendToThread: (threadId, data, o) => {
      requireThread(threadId);
      return settled(() => sendToThread(state, threadId, data, o));
    },
    sendToConnection: (connectionId, data, o) =>
      settled(() => sendToConnection(state, connectionId, data, o)),
    broadcast: (data, o) => settled(() => broadcast(state, data, o)),

    async findUser(userId) {
      if (!isUserId(userId)) return null;
      const seen = new Map<ConnectionId, InstanceId>();
      for (const rec of userConnections(state, userId) ?? []) seen.set(rec.id, instanceId);
      try {
        for (const loc of await state.cluster.findUser(userId)) {
          for (const id of loc.connectionIds) if (!seen.has(id)) seen.set(id, loc.instanceId);
        }
      } catch (err) {
        state.reportError(err, 'cluster-find-user');
      }
      if (seen.size === 0) return null;
      return {
        userId,
        connections: [...seen].map(([connectionId, inst]) => ({ connectionId, instanceId: inst })),
      };
    },

    getStats() {
      return {
        instanceId,
        state: state.lifecycle,
        connections: state.connections.size,
        users: state.users.size,
        threads: state.threads.size,
        messagesReceived: state.m.received.get(),
        messagesSent: state.m.sent.get(),
        uptimeMs: clock.now() - state.startedAt,
      };
    },

    async getClusterStats() {
      let instances: readonly InstanceInfo[] = [];
      let health: ClusterHealth;
      try {
        [instances, health] = await Promise.all([
          state.cluster.instances(),
          state.cluster.health(),
        ]);
      } catch (err) {
        const error = state.reportError(err, 'cluster-stats');
        health = { status: 'down', detail: error.message };
      }
      let connections = 0;
      let users = 0;
      for (const i of instances) {
        connections += i.connections;
        users += i.users;
      }
      return { instances, connections, users, health };
    },

    disconnectUser(userId, o = {}) {
      const recs = [...(userConnections(state, userId) ?? [])].filter(
        (r) => o.connectionId === undefined || r.id === o.connectionId,
      );
      for (const rec of recs) closeRecord(state, rec, o.code ?? 1000, o.reason ?? '');
      return Promise.resolve(recs.length);
    },

    async health() {
      let cluster: ClusterHealth;
      try {
        cluster = await state.cluster.health();
      } catch (err) {
        cluster = { status: 'down', detail: toWsError(err).message };
      }
      const status = state.lifecycle !== 'running' ? 'down' : cluster.status;
      return { status, state: state.lifecycle, cluster, connections: state.connections.size };
    },

    on(event, listener) {
      emitter.on(event, listener as (...args: unknown[]) => void);
      return () => {
        emitter.off(event, listener as (...args: unknown[]) => void);
      };
    },
    once(event, listener) {
      emitter.once(event, listener as (...args: unknown[]) => void);
      return () => {
        emitter.off(event, listener as (...args: unknown[]) => void);
      };
    },
    off(event, listener) {
      emitter.off(event, listener as (...args: unknown[]) => void);
    },

    use(plugin) {
      if (state.lifecycle === 'closed') throw new WsError('closed', 'the manager is closed');
      const ctx: PluginContext = {
        manager,
        metrics,
        clock,
        logger,
        onError: (err, info) => {
          state.reportError(err, `${plugin.name}:${info.stage}`, info.connectionId);
        },
        inbound: (mw) => {
          state.inbound.push(mw);
        },
        outbound: (mw) => {
          state.outbound.push(mw);
        },
        *connections(): IterableIterator<Connection> {
          for (const rec of state.connections.values()) yield rec.view;
        },
        getConnection: (id) => state.connections.get(id)?.view,
        emit: (event, ...args) => {
          emitter.emit(event, ...args);
        },
        onClose: (hook) => {
          closeHooks.push(hook);
        },
      };
      return plugin.setup(ctx);
    },

    close(o = {}) {
      closing ??= (async () => {
        if (o.drain === true) {
          state.lifecycle = 'draining';
          emitter.emit('draining');
          await drainAll(state, o.timeoutMs ?? limits.drain.timeoutMs);
        } else {
          state.lifecycle = 'draining';
          for (const rec of [...state.connections.values()])
            closeRecord(state, rec, 1001, 'server shutting down');
        }
        stopSweep();
        for (const hook of closeHooks) {
          try {
            await hook();
          } catch (err) {
            state.reportError(err, 'plugin-close');
          }
        }
        try {
          await state.cluster.stop({ drain: o.drain === true });
        } catch (err) {
          state.reportError(err, 'cluster-stop');
        }
        state.lifecycle = 'closed';
        emitter.emit('close');
        emitter.removeAllListeners();
        state.inbound.length = 0;
        state.outbound.length = 0;
      })();
      return closing;
    },
  };
  return manager;
}
