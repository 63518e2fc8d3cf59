/**
 * The soak's server under test: @ws/core + @ws/protocols (ws adapter) on 127.0.0.1, with the
 * session TTL and the history TTL set short (SOAK_TTL_MS) so both expire many times in a run.
 * Spawned by the runner like the benchmark servers (its own process, `--expose-gc`), answering
 * `gc-rss`, `heap-snapshot` and `stats` on the control channel.
 */
import { createManager, localCluster, silentLogger } from '@ws/core';
import { envNumber } from '../servers/control.js';
import { serveManager } from '../servers/serveManager.js';

async function main(): Promise<void> {
  const ttlMs = envNumber('SOAK_TTL_MS', 5_000);
  const manager = createManager({
    maxConnections: 20_000,
    sessionTtlMs: ttlMs,
    authorizeThread: () => true,
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`soak onError ${info.stage}: ${err.message}\n`),
    cluster: localCluster({ historyTtlMs: ttlMs }),
  });
  await serveManager(manager, {
    stats: () => {
      const s = manager.getStats();
      return {
        connections: s.connections,
        users: s.users,
        threads: s.threads,
        rss: process.memoryUsage().rss,
      };
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak server failed: ${String(err)}\n`);
  process.exit(1);
});
