import { createServer, request } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * What a {@link startTestProxy} does with a WebSocket `Upgrade`: pass it through to the target,
 * refuse it (`400`, what some corporate proxies answer), or accept the connection and never
 * answer (a proxy that hangs the handshake).
 */
export type UpgradePolicy = 'pass' | 'refuse' | 'hang';

/** Options of {@link startTestProxy}. */
export interface TestProxyOptions {
  /** The ports of the servers behind it (on 127.0.0.1): each request goes to the next in turn. */
  readonly targets: readonly number[];
  /** @default 'pass' */
  readonly upgrade?: UpgradePolicy;
}

/** A reverse proxy for tests, on 127.0.0.1. */
export interface TestProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests (and upgrades) forwarded to each target, by port. */
  readonly forwarded: ReadonlyMap<number, number>;
  /** Upgrades refused or hung. */
  blockedUpgrades(): number;
  close(): Promise<void>;
}

/**
 * A reverse proxy on a free port of 127.0.0.1 that sends every HTTP request to the next target
 * in turn (round robin, no stickiness: the HTTP transport must not need it) and streams both
 * ways (SSE responses included), with a policy for WebSocket upgrades. Tests only.
 */
export async function startTestProxy(options: TestProxyOptions): Promise<TestProxy> {
  const { targets } = options;
  if (targets.length === 0) throw new Error('startTestProxy needs at least one target');
  const policy = options.upgrade ?? 'pass';
  const forwarded = new Map<number, number>(targets.map((t) => [t, 0]));
  const sockets = new Set<Duplex>();
  let turn = 0;
  let blocked = 0;
  const next = (): number => {
    const port = targets[turn++ % targets.length] as number;
    forwarded.set(port, (forwarded.get(port) ?? 0) + 1);
    return port;
  };
  const track = (s: Duplex): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  const server: Server = createServer((req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port: next(), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
        // A response the target cut (a destroyed stream) is cut here too, not left hanging.
        answer.on('close', () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (policy === 'refuse') {
      blocked++;
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (policy === 'hang') {
      blocked++;
      return; // kept open, never answered, until the client gives up or the proxy closes
    }
    const upstream: Socket = connect(next(), '127.0.0.1', () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    forwarded,
    blockedUpgrades: () => blocked,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
