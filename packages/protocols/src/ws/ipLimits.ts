import type { WebSocket } from 'ws';
import type { KeyCounter } from '../internal/ipCounter.js';
import { createKeyCounter } from '../internal/ipCounter.js';

/** The per-IP limits of `attach` (0 turns one off). */
export interface IpLimits {
  readonly maxConnectionsPerIp: number;
  readonly maxHandshakesPerIp: number;
}

/** What one attach counts: handshakes in flight, and the connections it accepted. */
export interface ConnectionCounts {
  /** Handshakes waiting for `authenticate`, per client IP. */
  readonly handshakes: KeyCounter;
  /** Open connections per client IP; only when a per-IP limit needs them (else the total only). */
  readonly perIp: KeyCounter | undefined;
  readonly limits: IpLimits;
  /** Open connections accepted by this attach. */
  connections(): number;
  /**
   * Counts an accepted connection until `ws` emits 'close' (once): per IP through `released`
   * (the connection's own release of {@link ConnectionCounts.perIp}) when a per-IP limit is set,
   * else in the total through one shared function (no closure kept per connection).
   */
  track(ws: WebSocket, ip: string, released: (() => void) | undefined): void;
}

/** Creates the counts of one attach. */
export function createConnectionCounts(limits: IpLimits): ConnectionCounts {
  const handshakes = createKeyCounter();
  const perIp = limits.maxConnectionsPerIp > 0 ? createKeyCounter() : undefined;
  let openTotal = 0;
  const releasedShared = (): void => {
    openTotal--;
  };
  return {
    handshakes,
    perIp,
    limits,
    connections: () => (perIp === undefined ? openTotal : perIp.total()),
    track(ws, ip, released) {
      if (perIp !== undefined && released !== undefined) {
        perIp.inc(ip);
        ws.on('close', released);
      } else {
        openTotal++;
        ws.on('close', releasedShared);
      }
    },
  };
}

/** The reason of a 429 when `ip` is at one of its limits, else undefined. */
export function ipLimitReached(counts: ConnectionCounts, ip: string): string | undefined {
  const { perIp, handshakes, limits } = counts;
  if (perIp !== undefined && perIp.get(ip) + handshakes.get(ip) >= limits.maxConnectionsPerIp) {
    return 'too many connections from this address';
  }
  if (limits.maxHandshakesPerIp > 0 && handshakes.get(ip) >= limits.maxHandshakesPerIp) {
    return 'too many handshakes from this address';
  }
  return undefined;
}
