import type { ConnectionId, Manager, ManagerOptions, ServerFrame, UserId, WsError } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import type { MemoryClient } from '@ws/core/testing';
import type { Cluster, Redis } from 'ioredis';
import { redisClient } from './redisClient.js';
import type { RedisClusterOptions } from '../src/options.js';
import { redisCluster } from '../src/redisCluster.js';
import { waitFor } from '@ws/testkit';

/** One manager on the Redis adapter, with its application client and collected errors. */
export interface TestNode {
  readonly manager: Manager;
  readonly redis: Redis | Cluster;
  readonly errors: { error: WsError; stage: string }[];
  close(drain?: boolean): Promise<void>;
}

/** Options of a test node. */
export interface TestNodeOptions {
  readonly instanceId?: string;
  readonly adapter?: Partial<Omit<RedisClusterOptions, 'redis'>>;
  readonly manager?: Partial<ManagerOptions>;
}

/**
 * A manager with the Redis adapter on `port`, or on the Redis Cluster of the nodes at `port` (an
 * array), fast heartbeats, everything authorized.
 */
export function createNode(
  port: number | readonly number[],
  prefix: string,
  options: TestNodeOptions = {},
): TestNode {
  const redis = redisClient(port, { lazyConnect: true });
  const errors: { error: WsError; stage: string }[] = [];
  const manager = createManager({
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    cluster: redisCluster({
      redis,
      keyPrefix: prefix,
      heartbeatMs: 300,
      startTimeoutMs: 2000,
      ...options.adapter,
    }),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    logger: silentLogger(),
    onError: (error, info) => errors.push({ error, stage: info.stage }),
    ...options.manager,
  });
  return {
    manager,
    redis,
    errors,
    async close(drain = false) {
      await manager.close({ drain, timeoutMs: 2000 });
      redis.disconnect();
    },
  };
}

/** A connected test client. */
export interface TestClient {
  readonly id: ConnectionId;
  readonly client: MemoryClient;
  /** Thread and direct messages received, in order. */
  messages(): Extract<ServerFrame, { type: 'message' }>[];
}

/** Connects a user through an in-memory socket. */
export async function connect(
  manager: Manager,
  userId: string,
  resumeToken?: string,
): Promise<TestClient> {
  const { server, client } = createMemorySocketPair();
  const id = await manager.connectUser(
    userId as UserId,
    server,
    resumeToken === undefined ? {} : { resumeToken },
  );
  return { id, client, messages: () => client.framesOf('message') };
}

let prefixCounter = 0;
/** A fresh key prefix per test, so tests sharing a Redis never see each other. */
export function uniquePrefix(name: string): string {
  prefixCounter++;
  return `t${process.pid}-${name}-${prefixCounter}:`;
}

/** Creates `n` nodes sharing a prefix and waits until each reports ready. */
export async function readyNodes(
  port: number,
  name: string,
  n: number,
  options: (i: number) => TestNodeOptions = () => ({}),
): Promise<TestNode[]> {
  const prefix = uniquePrefix(name);
  const list = Array.from({ length: n }, (_, i) =>
    createNode(port, prefix, { instanceId: `${name}-${i}`, ...options(i) }),
  );
  for (const node of list) {
    await waitFor(async () => (await node.manager.health()).status === 'ready', {
      timeoutMs: 5000,
      message: `node ${node.manager.instanceId} to be ready`,
    });
  }
  return list;
}

/** Closes every node (in parallel). */
export async function closeAll(list: readonly TestNode[]): Promise<void> {
  await Promise.all(list.map((n) => n.close()));
}
