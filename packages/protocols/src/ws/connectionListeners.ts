import { toWsError } from '@ws/core';
import type { Duplex } from 'node:stream';
import type { UpgradeRequest } from './checkHandshake.js';
import type { Endpoint } from './endpoint.js';

/** The listeners one upgrade keeps for the connection's whole life. */
export interface ConnectionListeners {
  /** `ws` errors (and adapter listener failures), to the debug log. */
  readonly wsError: (err: unknown) => void;
  /**
   * Releases the connection's per-IP count (`ws` emits 'close' once); only when a per-IP limit is
   * set: otherwise one shared function counts the total and no closure is kept per connection.
   */
  readonly released: (() => void) | undefined;
}

/**
 * Logs the upgrade socket's errors (for the connection's whole life: `ws` does not report TCP
 * errors after the upgrade) and makes the accepted connection's other two listeners. A function of
 * its own, so the three share one small closure context (`logger`, `perIp`, `ip`, `url`, read into
 * locals first) and hold nothing of the upgrade handler's scope or of `request`, which holds the
 * request (`IncomingMessage`, headers and all).
 */
export function connectionListeners(
  socket: Duplex,
  endpoint: Pick<Endpoint, 'config' | 'counts'>,
  request: Pick<UpgradeRequest, 'ip' | 'url'>,
): ConnectionListeners {
  const logger = endpoint.config.logger;
  const perIp = endpoint.counts.perIp;
  const ip = request.ip;
  const url = request.url;
  socket.on('error', (err: Error) =>
    logger.debug('upgrade socket error', { error: err.message, ip }),
  );
  return {
    wsError: (err) => logger.debug('websocket error', { error: toWsError(err).message, url, ip }),
    released: perIp === undefined ? undefined : () => perIp.dec(ip),
  };
}
