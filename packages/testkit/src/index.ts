/**
 * The repository's one test toolkit (private, never published): every package's tests, the
 * demo's and the bench use these instead of copies of their own.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATHS, chromiumPath, launchChromium } from './chromium.js';
export type { ChromiumOptions } from './chromium.js';
export { REDIS_INSTALL_HINT, redisCliBinary, redisServerBinary } from './findBinary.js';
export { expectMountedStack } from './expectMountedStack.js';
export type { MountedStack } from './expectMountedStack.js';
export { freePort } from './freePort.js';
export { missingTestRequirements } from './machineCheck.js';
export type { MissingRequirement } from './machineCheck.js';
export { optionRefusal, untouchable } from './optionRefusal.js';
export { parsePrometheus } from './parsePrometheus.js';
export type { ParsedFamily, ParsedSample } from './parsePrometheus.js';
export { redisCommand, redisPing } from './redisCommand.js';
export type { RedisCommandOptions } from './redisCommand.js';
export { createLocalRedisCluster } from './redisCluster.js';
export type { LocalRedisCluster } from './redisCluster.js';
export { createRedisServer } from './redisServer.js';
export type { RedisServer, RedisServerOptions } from './redisServer.js';
export { sleep } from './sleep.js';
export { startExample } from './startExample.js';
export { stopChild } from './stopChild.js';
export type { ExampleProcess } from './startExample.js';
export { waitFor } from './waitFor.js';
export type { Truthy, WaitForOptions } from './waitFor.js';
export { startTestProxy } from './testProxy.js';
export type { TestProxy, TestProxyOptions, UpgradePolicy } from './testProxy.js';
