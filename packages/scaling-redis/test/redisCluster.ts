import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RedisServer } from './redisServer.js';
import { createRedisServer, freePort, waitFor } from './redisServer.js';

const run = promisify(execFile);
const CLI = '/usr/bin/redis-cli';

/** A local Redis Cluster of three masters (no replicas), owned by a test. */
export interface LocalRedisCluster {
  readonly ports: readonly number[];
  stop(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  try {
    const { stdout } = await run(CLI, ['-p', String(port), 'cluster', 'info'], { timeout: 2000 });
    return stdout.includes('cluster_state:ok');
  } catch {
    return false;
  }
}

/** Starts three cluster-enabled `redis-server`s on free ports and joins them into one cluster. */
export async function createLocalRedisCluster(): Promise<LocalRedisCluster> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const busPort = await freePort();
      servers.push(
        await createRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
            '--cluster-port',
            String(busPort),
          ],
        }),
      );
    }
    const ports = servers.map((s) => s.port);
    await run(
      CLI,
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      {
        timeout: 20_000,
      },
    );
    for (const p of ports) {
      if (!(await waitFor(() => clusterOk(p), 15_000, 100)))
        throw new Error(`cluster node ${p} not ok`);
    }
    return {
      ports,
      async stop() {
        await Promise.all(servers.map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}
