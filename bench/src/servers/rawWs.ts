/**
 * Server under test: the naive baseline. Plain `ws` with a hand-written room loop: one
 * `JSON.parse` per inbound frame, one `JSON.stringify` per outbound message and one `ws.send`
 * per recipient. Heartbeat: the classic `ws` ping sweep (terminate who did not answer the last
 * ping, then ping everyone). With BENCH_REDIS_PORT set it relays publications through Redis
 * pub/sub (ioredis) to the other instances, on one channel every instance hears: a message is
 * `origin \n target \n frame`, the target a thread or `@user` (the emitter benchmark's raw
 * publisher sends to users that way).
 */
import { createServer } from 'node:http';
import type { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { envNumber, serveControl } from './control.js';

interface Client {
  readonly ws: WebSocket;
  readonly userId: string;
  alive: boolean;
}

interface Inbound {
  readonly type?: string;
  readonly thread?: string;
  readonly to?: string;
  readonly data?: unknown;
}

async function main(): Promise<void> {
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  const heartbeatMs = envNumber('BENCH_HEARTBEAT_MS', 25_000);
  const keyPrefix = process.env.BENCH_KEY_PREFIX ?? 'bench';
  const origin = `${process.pid}`;
  const clients = new Set<Client>();
  const users = new Map<string, Client>();
  const rooms = new Map<string, Set<Client>>();

  const deliverLocal = (thread: string, text: string): void => {
    const room = rooms.get(thread);
    if (!room) return;
    for (const c of room) c.ws.send(text);
  };

  let relay: ((thread: string, text: string) => void) | undefined;
  let quitRedis = async (): Promise<void> => {};
  if (redisPort > 0) {
    const { Redis } = await import('ioredis');
    const pub = new Redis({ host: '127.0.0.1', port: redisPort });
    const sub = new Redis({ host: '127.0.0.1', port: redisPort });
    const channel = `${keyPrefix}:relay`;
    await sub.subscribe(channel);
    sub.on('message', (_channel: string, message: string) => {
      // origin \n thread \n frame
      const a = message.indexOf('\n');
      const b = message.indexOf('\n', a + 1);
      if (message.slice(0, a) === origin) return;
      const target = message.slice(a + 1, b);
      if (target.charCodeAt(0) === 64 /* @ */)
        users.get(target.slice(1))?.ws.send(message.slice(b + 1));
      else deliverLocal(target, message.slice(b + 1));
    });
    relay = (thread, text) => {
      void pub.publish(channel, `${origin}\n${thread}\n${text}`);
    };
    quitRedis = async () => {
      pub.disconnect();
      sub.disconnect();
    };
  }

  const server = createServer();
  const wss = new WebSocketServer({
    server,
    path: '/ws',
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('connection', (ws, req) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    const client: Client = { ws, userId: token, alive: true };
    clients.add(client);
    users.set(token, client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (raw) => {
      let frame: Inbound;
      try {
        frame = JSON.parse((raw as Buffer).toString()) as Inbound;
      } catch {
        return;
      }
      if (frame.type === 'join' && typeof frame.thread === 'string') {
        let room = rooms.get(frame.thread);
        if (!room) rooms.set(frame.thread, (room = new Set()));
        room.add(client);
        ws.send('{"type":"ack"}');
      } else if (frame.type === 'publish' && typeof frame.thread === 'string') {
        const text = JSON.stringify({
          type: 'message',
          thread: frame.thread,
          from: client.userId,
          data: frame.data,
        });
        deliverLocal(frame.thread, text);
        relay?.(frame.thread, text);
      } else if (frame.type === 'direct' && typeof frame.to === 'string') {
        const target = users.get(frame.to);
        if (target)
          target.ws.send(
            JSON.stringify({ type: 'message', from: client.userId, data: frame.data }),
          );
      }
    });
    ws.on('close', () => {
      clients.delete(client);
      if (users.get(token) === client) users.delete(token);
      for (const room of rooms.values()) room.delete(client);
    });
    ws.on('error', () => {});
  });

  // BENCH_HEARTBEAT_MS=0: no sweep until the `heartbeat` command starts one.
  let sweep: NodeJS.Timeout | undefined;
  const startSweep = (intervalMs: number): void => {
    if (sweep !== undefined) return;
    sweep = setInterval(() => {
      for (const c of clients) {
        if (!c.alive) {
          c.ws.terminate();
          continue;
        }
        c.alive = false;
        c.ws.ping();
      }
    }, intervalMs);
    sweep.unref();
  };
  if (heartbeatMs > 0) startSweep(heartbeatMs);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serveControl(
    port,
    async () => {
      clearInterval(sweep);
      for (const c of clients) c.ws.terminate();
      wss.close();
      server.close();
      await quitRedis();
    },
    {
      heartbeat: (command) => {
        startSweep(Number(command.intervalMs));
        return true;
      },
      stats: () => ({ connections: clients.size }),
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`raw ws server failed: ${String(err)}\n`);
  process.exit(1);
});
