/**
 * The benchmark's own redis-server on a free 127.0.0.1 port, started and stopped by the runner:
 * the repository's one launcher (`@ws/testkit`), its process tracked so an abort kills it.
 */
import { createRedisServer } from '@ws/testkit';
import type { ChildRegistry } from './child.js';

export interface RedisHandle {
  readonly port: number;
  /** The redis-server process id (its CPU time is in /proc/<pid>/stat). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts redis-server (no persistence); fails, saying how to install it, when there is none. */
export async function startRedis(registry: ChildRegistry): Promise<RedisHandle> {
  let pid: number | undefined;
  const server = await createRedisServer({
    args: ['--protected-mode', 'no'],
    onSpawn: (child) => {
      pid = child.pid;
      registry.children.add(child);
      child.on('exit', () => registry.children.delete(child));
    },
  });
  return { port: server.port, pid, stop: () => server.stop() };
}
