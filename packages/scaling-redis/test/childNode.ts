// A manager with the Redis adapter in its own process, for the SIGKILL test.
// argv: <redis port> <key prefix> <instance id> <heartbeat ms>
import type { ThreadId, UserId } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { Redis } from 'ioredis';
import { redisCluster } from '../src/redisCluster.js';

const [port, prefix, instanceId, heartbeatMs] = process.argv.slice(2);
const redis = new Redis({ port: Number(port), host: '127.0.0.1', lazyConnect: true });
const manager = createManager({
  instanceId: instanceId as string,
  cluster: redisCluster({ redis, keyPrefix: prefix as string, heartbeatMs: Number(heartbeatMs) }),
  logger: silentLogger(),
  onError: () => {},
});
const { server } = createMemorySocketPair();
const id = await manager.connectUser('victim' as UserId, server);
await manager.joinThread(id, 'victim-room' as ThreadId);
process.stdout.write(`ready ${id}\n`);
// Stay alive until killed (bounded: a minute at most).
setTimeout(() => process.exit(0), 60_000);
