export { quality, qualityDefaults } from './quality.js';
export type {
  GateTally,
  QualityHandle,
  QualityOptions,
  QualitySummary,
  QualityVerdict,
} from './quality.js';
export { close, pass, reject } from './gate.js';
export type {
  Gate,
  GateDirection,
  GateInput,
  GateVerdict,
  InboundGateInput,
  OutboundGateInput,
} from './gate.js';
export { schemaGate, schemaGateDefaults } from './schemaGate.js';
export type { SchemaGateOptions, ThreadSchema } from './schemaGate.js';
export { compileThreadPattern } from './threadPattern.js';
export type { ThreadPattern } from './threadPattern.js';
export { rateLimitGate, rateLimitGateDefaults } from './rateLimitGate.js';
export type { RateLimitGateOptions } from './rateLimitGate.js';
export { customGate, customGateDefaults } from './customGate.js';
export type { CustomGateOptions } from './customGate.js';
export type { RateLimitStore, RateRule, TakeResult } from './rateLimitStore.js';
export { memoryRateLimitStore, memoryRateLimitStoreDefaults } from './memoryRateLimitStore.js';
export type { MemoryRateLimitStore, MemoryRateLimitStoreOptions } from './memoryRateLimitStore.js';
export { redisRateLimitStore, redisRateLimitStoreDefaults } from './redisRateLimitStore.js';
export type { RedisRateLimitStoreOptions, RedisScriptClient } from './redisRateLimitStore.js';
export { alertDefaults } from './alerts.js';
export type {
  AlertOptions,
  QualityAlert,
  QualityAlertKind,
  RejectRateAlertOptions,
  UserRejectsAlertOptions,
} from './alerts.js';
/** Core's Standard Schema v1 type (the one copy of the spec's interface in this repository). */
export type { StandardSchemaV1 } from '@ws/core';
