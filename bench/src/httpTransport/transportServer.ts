/**
 * Server under test of `bench:http-transport`: our stack with both transports on one HTTP
 * server: `attach` (WebSocket, `/ws`) and `httpTransport` (`/ws/sse`), the same manager, limits
 * raised as in `ours.ts`, no heartbeat (it would cost the two transports alike). Its `fanout`
 * command sends `count` messages to a thread from the server, one per event-loop turn (`paced`)
 * or all in one turn (`burst`), and answers once they are sent.
 */
import { createServer } from 'node:http';
import { createManager, silentLogger, threadId } from '@ws/core';
import { httpTransport } from '@ws/protocols/http';
import { benchLimits } from '../servers/benchLimits.js';
import { serveManager } from '../servers/serveManager.js';

const PAD = 'x'.repeat(80);

async function main(): Promise<void> {
  const manager = createManager({
    ...benchLimits,
    authorizeThread: () => true,
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`server onError ${info.stage}: ${err.message}\n`),
  });
  const fallback = httpTransport(manager, {
    path: '/ws',
    logger: silentLogger(),
    maxPostsInFlightPerIp: 0, // every client of the runner shares 127.0.0.1
    authenticate: (_req, token) => (token ? { userId: token } : null),
  });
  const server = createServer((req, res) => {
    if (!fallback.handle(req, res)) res.writeHead(404).end();
  });
  let base = 0;
  await serveManager(
    manager,
    {
      fanout: async (command) => {
        const thread = threadId(String(command.thread));
        const count = Number(command.count);
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < count; i++) {
          sends.push(manager.sendToThread(thread, { s: base + i + 1, p: PAD }));
          if (command.mode === 'paced') await new Promise((r) => setImmediate(r));
        }
        base += count;
        await Promise.all(sends);
        return { sent: count, last: base };
      },
      stats: () => ({ connections: manager.getStats().connections, streams: fallback.streams() }),
    },
    { server, close: () => fallback.close() },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`http-transport server failed: ${String(err)}\n`);
  process.exit(1);
});
