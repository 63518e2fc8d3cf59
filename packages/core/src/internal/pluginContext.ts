import type { Manager, Plugin, PluginContext, WelcomeFields } from '../api.js';
import type { Connection } from '../connection.js';
import { WsError } from '../errors.js';
import type { ManagerState } from './state.js';

/** Names of `welcome` that only core writes (a frozen list: no module-level mutable state). */
const coreWelcomeFields: readonly string[] = Object.freeze([
  'type',
  'connectionId',
  'userId',
  'instanceId',
  'resumeToken',
  'restored',
  'expiresAt',
]);

function addWelcomeFields(state: ManagerState, plugin: string, fields: WelcomeFields): void {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new WsError('invalid_options', `${plugin}: welcome fields must be an object`);
  }
  for (const name of Object.keys(fields)) {
    if (coreWelcomeFields.includes(name) || Object.hasOwn(state.welcomeFields, name)) {
      throw new WsError('invalid_options', `${plugin}: welcome field '${name}' is taken`);
    }
  }
  Object.assign(state.welcomeFields, fields);
}

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
    welcome: (fields) => {
      addWelcomeFields(state, plugin.name, fields);
    },
  };
}
