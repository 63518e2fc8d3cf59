import EventEmitter from 'eventemitter3';
import { systemClock } from '../clock.js';
import { createJsonCodec } from '../codec.js';
import { WsError, toWsError } from '../errors.js';
import type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from '../ids.js';
import { localCluster } from '../localCluster.js';
import { consoleLogger } from '../logger.js';
import { createMetricsRegistry } from '../metricsRegistry.js';
import type { ManagerOptions } from '../options.js';
import { checkManagerOptionKeys } from '../options.js';
import { resolveLimits } from '../resolveLimits.js';
import { createFrameValidator } from '../validateFrame.js';
import { sendContract } from './checkedSend.js';
import { registerCoreMetrics } from './coreMetrics.js';
import type { ConnRecord, EmitterEvents, ManagerState } from './state.js';

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  let s = '';
  for (const b of buf) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Builds the state of one manager from its options (validated, defaults filled in): the
 * registries, the core metrics bound into them, the emitter and the one error reporter.
 * Throws `WsError('invalid_options')`.
 */
export function createState(options: ManagerOptions): ManagerState {
  checkManagerOptionKeys(options);
  const limits = resolveLimits(options);
  const instanceId = (options.instanceId ?? randomHex(8)) as InstanceId;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(instanceId)) {
    throw new WsError('invalid_options', 'instanceId must be 1-64 characters of A-Za-z0-9 _ . -');
  }
  const clock = options.clock ?? systemClock();
  const logger = options.logger ?? consoleLogger();
  const metrics = createMetricsRegistry();
  const emitter = new EventEmitter<EmitterEvents>();
  const connections = new Map<ConnectionId, ConnRecord>();
  const users = new Map<UserId, ConnRecord | Set<ConnRecord>>();
  const threads = new Map<ThreadId, Set<ConnRecord>>();
  return {
    options,
    limits,
    instanceId,
    clock,
    timeOrigin: clock.now(),
    cluster: options.cluster ?? localCluster(),
    codec: options.codec ?? createJsonCodec(),
    logger,
    metrics,
    m: registerCoreMetrics({ metrics, connections, users, threads }),
    emitter,
    validator: createFrameValidator(),
    sendContract: sendContract(options),
    connections,
    users,
    threads,
    newestJoin: new Map<ThreadId, Offset>(),
    receivers: new WeakMap(),
    presence: { watchers: new Map(), pending: new Map(), countsOnly: new Set(), timer: undefined },
    inbound: [],
    outbound: [],
    closeHooks: [],
    welcomeFields: {},
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
}
