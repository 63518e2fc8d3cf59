/**
 * Server under test: Socket.IO 4, websocket transport only, idiomatic rooms (`socket.join`,
 * `io.to(room).emit`; one room per user for targeted sends). With BENCH_REDIS_PORT set it uses
 * `@socket.io/redis-adapter` (ioredis clients). Its own heartbeat (engine.io ping) runs at
 * BENCH_HEARTBEAT_MS.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { envNumber, serveControl } from './control.js';

async function main(): Promise<void> {
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  const heartbeatMs = envNumber('BENCH_HEARTBEAT_MS', 25_000);
  const keyPrefix = process.env.BENCH_KEY_PREFIX ?? 'bench';
  const server = createServer();
  const io = new Server(server, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
    pingInterval: heartbeatMs,
    pingTimeout: Math.min(heartbeatMs, 20_000),
  });
  let quitRedis = async (): Promise<void> => {};
  if (redisPort > 0) {
    const [{ Redis }, { createAdapter }] = await Promise.all([
      import('ioredis'),
      import('@socket.io/redis-adapter'),
    ]);
    const pub = new Redis({ host: '127.0.0.1', port: redisPort });
    const sub = pub.duplicate();
    io.adapter(createAdapter(pub, sub, { key: keyPrefix }));
    quitRedis = async () => {
      pub.disconnect();
      sub.disconnect();
    };
  }
  io.on('connection', (socket) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const userId = typeof auth.token === 'string' ? auth.token : '';
    void socket.join(`user:${userId}`);
    socket.on('join', (thread: string, ack?: () => void) => {
      void socket.join(thread);
      if (typeof ack === 'function') ack();
    });
    socket.on('publish', (thread: string, data: unknown) => {
      io.to(thread).emit('message', { thread, from: userId, data });
    });
    socket.on('direct', (to: string, data: unknown) => {
      io.to(`user:${to}`).emit('message', { from: userId, data });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serveControl(
    port,
    async () => {
      io.disconnectSockets(true);
      await io.close();
      await quitRedis();
    },
    { stats: () => ({ connections: io.engine.clientsCount }) },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`socket.io server failed: ${String(err)}\n`);
  process.exit(1);
});
