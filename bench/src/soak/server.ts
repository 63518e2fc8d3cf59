/**
 * The soak's server under test: @ws/core + @ws/protocols (ws adapter) on 127.0.0.1, with the
 * session TTL and the history TTL set short (SOAK_TTL_MS) so both expire many times in a run.
 * Spawned by the runner like the benchmark servers (its own process, `--expose-gc`), answering
 * `gc-rss`, `heap-snapshot` and `stats` on the control channel.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManager, localCluster, silentLogger } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import { envNumber, serveControl } from '../servers/control.js';

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
  const server = createServer();
  const endpoint = attach(manager, {
    server,
    path: '/ws',
    logger: silentLogger(),
    authenticate: (_req, token) => (token ? { userId: token } : null),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serveControl(
    port,
    async () => {
      await endpoint.close();
      await manager.close({ drain: false });
      server.close();
    },
    {
      stats: () => {
        const s = manager.getStats();
        return {
          connections: s.connections,
          users: s.users,
          threads: s.threads,
          rss: process.memoryUsage().rss,
        };
      },
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`soak server failed: ${String(err)}\n`);
  process.exit(1);
});
