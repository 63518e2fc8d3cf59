export { heartbeat } from './heartbeat.js';
export { heartbeatDefaults, heartbeatLimits, resolveHeartbeatOptions } from './options.js';
export type {
  HeartbeatFigures,
  HeartbeatOptions,
  HeartbeatPreset,
  ResolvedHeartbeatOptions,
} from './options.js';
export type {
  ConnectionHealth,
  HeartbeatHandle,
  HeartbeatStall,
  HeartbeatStats,
  HeartbeatTimeout,
} from './types.js';
