/**
 * A TCP proxy on 127.0.0.1 for flaky-network tests: it forwards to the target while up; every
 * `periodMs` it goes down for `downMs`, destroying every open connection (both sides see a reset)
 * and resetting the connections attempted meanwhile. Bounded: `stop()` (or `maxLifetimeMs`) ends
 * the cycling and leaves it up for good; `close()` destroys everything.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface CutProxy {
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  /** Times it went down so far. */
  readonly cuts: number;
  /** Connections accepted while up. */
  readonly accepted: number;
  /** Stops cycling: up from now on. */
  stop(): void;
  close(): Promise<void>;
}

export interface CutProxyOptions {
  readonly periodMs: number;
  readonly downMs: number;
  /** @default 60000 */
  readonly maxLifetimeMs?: number;
}

export async function startCutProxy(targetPort: number, o: CutProxyOptions): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  let cuts = 0;
  let accepted = 0;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    if (down) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const timers = new Set<NodeJS.Timeout>();
  const cycle = setInterval(() => {
    down = true;
    cuts++;
    for (const s of [...sockets]) s.resetAndDestroy();
    const up = setTimeout(() => {
      timers.delete(up);
      down = false;
    }, o.downMs);
    timers.add(up);
  }, o.periodMs);
  const stop = (): void => {
    clearInterval(cycle);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    down = false;
  };
  const lifetime = setTimeout(stop, o.maxLifetimeMs ?? 60_000);
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    host: `127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    get accepted() {
      return accepted;
    },
    stop,
    async close() {
      stop();
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
