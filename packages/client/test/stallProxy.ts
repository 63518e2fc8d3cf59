/**
 * A TCP proxy on 127.0.0.1 for liveness tests: it forwards each connection to the target until
 * `stall()`, after which the connections open at that moment stay open on both sides but forward
 * nothing more, either way, and ignore their peer's end (a network that died silently).
 * Connections made after `stall()` forward normally. Bounded in time: it closes itself (every
 * socket destroyed) after `maxLifetimeMs`.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface StallProxy {
  /** `ws://127.0.0.1:<port>/ws`. */
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Silently stops forwarding on every connection open now. */
  stall(): void;
  close(): Promise<void>;
}

export async function startStallProxy(
  targetPort: number,
  maxLifetimeMs = 60_000,
): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  const stalled = new WeakSet<Socket>();
  const pairs: [Socket, Socket][] = [];
  let accepted = 0;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  };
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (!stalled.has(from)) to.write(chunk);
    });
    from.on('end', () => {
      if (!stalled.has(from)) to.end();
    });
    from.on('close', () => {
      if (!stalled.has(from)) to.destroy();
    });
  };
  const server = createServer((down) => {
    accepted++;
    const up = connect(targetPort, '127.0.0.1');
    track(down);
    track(up);
    pairs.push([down, up]);
    pipe(down, up);
    pipe(up, down);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), maxLifetimeMs);
  lifetime.unref();
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    get accepted() {
      return accepted;
    },
    stall() {
      for (const [down, up] of pairs.splice(0)) {
        stalled.add(down);
        stalled.add(up);
      }
    },
    close,
  };
}
