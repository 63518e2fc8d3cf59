// A manager with lifecycle events in its own process, for the SIGKILL test.
// argv: <redis port, or the Redis Cluster's ports joined by commas> <key prefix> <instance id>
// <heartbeat ms> <connections>
import type { ThreadId, UserId } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { redisClient } from './redisClient.js';
import { lifecycleStream } from '../src/lifecycleStream.js';
import { redisCluster } from '../src/redisCluster.js';

const [port, prefix, instanceId, heartbeatMs, n] = process.argv.slice(2);
const ports = (port as string).split(',').map(Number);
const redis = redisClient(ports.length === 1 ? (ports[0] as number) : ports, {
  lazyConnect: true,
});
const manager = createManager({
  instanceId: instanceId as string,
  cluster: redisCluster({
    redis,
    keyPrefix: prefix as string,
    heartbeatMs: Number(heartbeatMs),
    lifecycle: lifecycleStream({ stream: 'lc' }),
  }),
  authorizeThread: () => true,
  logger: silentLogger(),
  onError: () => {},
});
const ids: string[] = [];
for (let i = 0; i < Number(n); i++) {
  const { server } = createMemorySocketPair();
  const id = await manager.connectUser(`doomed-${i % 3}` as UserId, server);
  await manager.joinThread(id, 'room' as ThreadId);
  ids.push(id);
}
process.stdout.write(`ready ${ids.join(' ')}\n`);
// Stay alive until killed (bounded: a minute at most).
setTimeout(() => process.exit(0), 60_000);
