import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redisCliBinary } from './findBinary.js';
import { freePort } from './freePort.js';
import type { RedisServer } from './redisServer.js';
import { createRedisServer } from './redisServer.js';
import { waitFor } from './waitFor.js';

const run = promisify(execFile);

/** A local Redis Cluster of three masters (no replicas) on 127.0.0.1, owned by a test. */
export interface LocalRedisCluster {
  /** The client ports of the three nodes. */
  readonly ports: readonly number[];
  /** The three nodes (to kill or restart one). */
  readonly servers: readonly RedisServer[];
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

async function clusterOk(cli: string, port: number): Promise<boolean> {
  try {
    const { stdout } = await run(cli, ['-p', String(port), 'cluster', 'info'], { timeout: 2000 });
    return stdout.includes('cluster_state:ok');
  } catch {
    return false;
  }
}

async function startNode(): Promise<RedisServer> {
  const busPort = await freePort();
  return createRedisServer({
    args: [
      ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
      ...['--cluster-node-timeout', '2000', '--cluster-port', String(busPort)],
    ],
  });
}

/**
 * Starts three cluster-enabled `redis-server`s on free ports, joins them into one cluster with
 * `redis-cli --cluster create` (16384 slots over three masters) and waits until every node says
 * `cluster_state:ok` (15 s each at most). Stops what it started when any step fails. Throws, with
 * the install command, when `redis-server` or `redis-cli` is missing.
 */
export async function createLocalRedisCluster(): Promise<LocalRedisCluster> {
  const cli = redisCliBinary();
  const servers: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < 3; i++) servers.push(await startNode());
    const ports = servers.map((s) => s.port);
    const create = ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`)];
    await run(cli, [...create, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20_000 });
    for (const p of ports) {
      await waitFor(() => clusterOk(cli, p), {
        timeoutMs: 15_000,
        intervalMs: 100,
        message: `cluster node ${p} to report cluster_state:ok`,
      });
    }
    return { ports, servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
