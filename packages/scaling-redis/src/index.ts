export { redisCluster } from './redisCluster.js';
export { redisClusterDefaults } from './options.js';
export type { RedisClusterOptions } from './options.js';
export { createEmitter } from './emitter.js';
export type { EmitResult, Emitter, EmitterDisconnectOptions } from './emitter.js';
export { emitterDefaults } from './emitterOptions.js';
export type { EmitterOptions, EmitterTarget } from './emitterOptions.js';
export { lifecycleStream, lifecycleStreamDefaults } from './lifecycleStream.js';
export type { LifecycleStream, LifecycleStreamOptions } from './lifecycleStream.js';
