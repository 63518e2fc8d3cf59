import type { Manager } from './api.js';
import { WsError } from './errors.js';
import { threadId as asThreadId } from './ids.js';
import { closeManager } from './internal/closeManager.js';
import { createClusterContext } from './internal/clusterContext.js';
import { connectUser } from './internal/connect.js';
import { createState } from './internal/createState.js';
import { disconnectUser } from './internal/disconnect.js';
import { joinThread, leaveRecord } from './internal/join.js';
import { createPluginContext } from './internal/pluginContext.js';
import { readPresence, readPresenceCount, trackPresence } from './internal/presence.js';
import { readHistory } from './internal/readHistory.js';
import { receive } from './internal/receive.js';
import { requireRecord } from './internal/records.js';
import { outgoing } from './internal/outbound.js';
import { checkedSend } from './internal/checkedSend.js';
import { broadcast, sendToConnection, sendToUser } from './internal/sendDirect.js';
import { sendToThread, threadOutgoing } from './internal/sendThread.js';
import { clusterStats, findUserPresence, managerHealth, managerStats } from './internal/stats.js';
import { startSweep } from './internal/sweep.js';
import type { Contract } from './contractTypes.js';
import type { ManagerOptions } from './options.js';

/**
 * Creates a manager: one isolated registry of connections, with its own timers and metrics.
 * With `contract`, the manager is typed by it (`Manager<typeof contract>`: its sends and
 * `message` event); without, it is a plain `Manager`.
 */
export function createManager<C extends Contract = Contract>(
  options: ManagerOptions<C> = {},
): Manager<C> {
  const state = createState(options);
  const { emitter } = state;
  trackPresence(state);
  let closing: Promise<void> | undefined;
  const started = state.cluster.start(createClusterContext(state)).catch((err: unknown) => {
    state.reportError(err, 'cluster-start');
  });
  const stopSweep = startSweep(state);

  const manager: Manager = {
    instanceId: state.instanceId,
    get state() {
      return state.lifecycle;
    },
    metrics: state.metrics,
    limits: state.limits,

    connectUser: (userId, socket, connectOptions = {}) =>
      connectUser(state, { userId, socket, options: connectOptions }, started),
    joinThread: (connectionId, threadId) => joinThread(state, connectionId, threadId),
    leaveThread(connectionId, threadId) {
      leaveRecord(state, requireRecord(state, connectionId), threadId);
      return Promise.resolve();
    },

    sendToUser: (userId, data, o) =>
      checkedSend(state.sendContract, { thread: undefined, data }, () =>
        sendToUser(state, userId, outgoing(data, o)),
      ),
    sendToThread: (threadId, data, o) => {
      asThreadId(threadId);
      return checkedSend(state.sendContract, { thread: threadId, data }, () =>
        sendToThread(state, threadOutgoing(threadId, data, o)),
      );
    },
    sendToConnection: (connectionId, data, o) =>
      checkedSend(state.sendContract, { thread: undefined, data }, () =>
        sendToConnection(state, connectionId, outgoing(data, o)),
      ),
    broadcast: (data, o) =>
      checkedSend(state.sendContract, { thread: undefined, data }, () =>
        broadcast(state, outgoing(data, o)),
      ),

    findUser: (userId) => findUserPresence(state, userId),
    history: (threadId, o) => readHistory(state, { threadId, options: o }, started),
    presence: (threadId, o) => readPresence(state, { threadId, options: o }),
    presenceCount: (threadId) => readPresenceCount(state, threadId),
    getStats: () => managerStats(state),
    getClusterStats: () => clusterStats(state),
    disconnectUser: (userId, o = {}) => disconnectUser(state, userId, o),
    receive: (connectionId, request) => receive(state, connectionId, request),
    health: () => managerHealth(state),

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
      return plugin.setup(createPluginContext(state, manager, plugin));
    },
    close(o = {}) {
      closing ??= closeManager(state, o, stopSweep);
      return closing;
    },
  };
  // The one implementation takes any data, so it is every Manager<C>: the contract only narrows
  // what callers may pass.
  return manager;
}
