/**
 * Server under test of `bench:write-delay`, one of three by `BENCH_VARIANT`: `raw` (plain `ws`,
 * a hand-written room: one `JSON.stringify` per message, one `ws.send` per member, as
 * `servers/rawWs.ts`), `ours` (our stack, the `ws` adapter's defaults) or `ours-delay` (the same
 * with `createWsAdapter({ writeDelayMs: BENCH_WRITE_DELAY_MS })`). Its `fanout` command sends
 * `count` messages to the thread from the server, each in its own event-loop turn, stamped with
 * `process.hrtime` (CLOCK_MONOTONIC, the runner's clock too) for the delivery latency.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManager, silentLogger, threadId } from '@ws/core';
import { createWsAdapter } from '@ws/protocols/ws';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { benchLimits } from '../servers/benchLimits.js';
import { envNumber, serveControl } from '../servers/control.js';
import { serveManager } from '../servers/serveManager.js';

const PAD = 'x'.repeat(60);
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
type Send = (n: number) => void;

/**
 * `count` broadcasts, each in its own event-loop turn: the next after `intervalMs` (a rate the
 * runner's clients can read, so the latency is the server's), or the next turn when 0.
 */
async function fanoutLoop(count: number, intervalMs: number, send: Send): Promise<void> {
  for (let i = 1; i <= count; i++) {
    send(i);
    await new Promise((r) => (intervalMs > 0 ? setTimeout(r, intervalMs) : setImmediate(r)));
  }
}

async function raw(): Promise<void> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/ws' });
  const room = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'welcome' }));
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as { type?: string; id?: number };
      if (f.type === 'join') {
        room.add(ws);
        ws.send(JSON.stringify({ type: 'ack', id: f.id }));
      }
    });
    ws.on('close', () => room.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serveControl(
    (server.address() as AddressInfo).port,
    async () => {
      for (const c of wss.clients) c.terminate();
      server.close();
    },
    {
      fanout: async (c) =>
        fanoutLoop(Number(c.count), Number(c.intervalMs ?? 0), (n) => {
          const text = JSON.stringify({
            type: 'message',
            thread: 'bench',
            from: null,
            data: { n, t: nowUs(), p: PAD },
          });
          for (const ws of room) ws.send(text);
        }),
    },
  );
}

async function ours(delayMs: number): Promise<void> {
  const manager = createManager({
    ...benchLimits,
    authorizeThread: () => true,
    logger: silentLogger(),
  });
  const thread = threadId('bench');
  await serveManager(
    manager,
    {
      fanout: async (c) =>
        fanoutLoop(Number(c.count), Number(c.intervalMs ?? 0), (n) => {
          void manager.sendToThread(thread, { n, t: nowUs(), p: PAD });
        }),
    },
    delayMs > 0 ? { adapter: createWsAdapter({ writeDelayMs: delayMs }) } : {},
  );
}

const variant = process.env.BENCH_VARIANT ?? 'ours';
(variant === 'raw'
  ? raw()
  : ours(variant === 'ours-delay' ? envNumber('BENCH_WRITE_DELAY_MS', 5) : 0)
).catch((err: unknown) => {
  process.stderr.write(`write-delay server failed: ${String(err)}\n`);
  process.exit(1);
});
