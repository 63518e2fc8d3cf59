import type { Manager, Plugin, PluginContext } from '../api.js';
import type { Connection } from '../connection.js';
import type { ManagerState } from './state.js';

/** What one plugin's `setup` receives from the manager it is used on. */
export function createPluginContext<H>(
  state: ManagerState,
  manager: Manager,
  plugin: Plugin<H>,
): PluginContext {
  return {
    manager,
    metrics: state.metrics,
    clock: state.clock,
    logger: state.logger,
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
      state.emitter.emit(event, ...args);
    },
    onClose: (hook) => {
      state.closeHooks.push(hook);
    },
  };
}
