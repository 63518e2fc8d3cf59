export { redisCluster } from './redisCluster.js';
export { redisClusterDefaults } from './options.js';
export type { RedisClusterOptions } from './options.js';
