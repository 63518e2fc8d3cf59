import type { Manager } from '@ws/core';
import { WebSocketServer } from 'ws';
import { isSubprotocol } from '../negotiate.js';
import type { AttachConfig } from './attachConfig.js';
import { resolveAttachOptions } from './attachConfig.js';
import type { AttachOptions } from './attachOptions.js';
import type { Endpoint } from './endpoint.js';
import { createConnectionCounts } from './ipLimits.js';
import { createUpgradeListener } from './upgradeListener.js';

/** What `attach` returns. */
export interface AttachHandle {
  /** The path this endpoint answers. */
  readonly path: string;
  /** The `ws` server (noServer mode) doing the handshakes. */
  readonly wss: WebSocketServer;
  /** Handshakes waiting for `authenticate`, and open connections accepted by this attach. */
  stats(): { readonly handshakes: number; readonly connections: number };
  /**
   * Stops accepting: removes the 'upgrade' listener and closes the `ws` server. Open connections
   * stay with the manager (close them with `manager.close()`).
   */
  close(): Promise<void>;
}

function createServer(manager: Manager, config: AttachConfig): WebSocketServer {
  const accepted = config.accepted;
  return new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: manager.limits.maxMessageBytes,
    perMessageDeflate: config.perMessageDeflate,
    handleProtocols: (offered: Set<string>) => {
      for (const name of offered) if (isSubprotocol(name) && accepted.includes(name)) return name;
      return false;
    },
  });
}

/**
 * Attaches a manager to a Node `http`/`https` server: handles the upgrades of `path` only
 * (every other path is left to other 'upgrade' listeners), refusing with plain HTTP statuses
 * before any upgrade: 400 (malformed request, unknown subprotocols), 401 (authentication), 403
 * (origin), 429 (per-IP limits, off by default), 503 + `Retry-After` (manager full, draining or
 * closed, or `authenticate` too slow). Accepted sockets get a per-connection codec from the
 * negotiated subprotocol and are handed to `manager.connectUser` with `?resume=` as the resume
 * token. `ws` enforces `maxPayload = manager.limits.maxMessageBytes` (1009) and UTF-8 (1007);
 * the adapter closes binary frames on a text subprotocol with 1003.
 *
 * The parts: `resolveAttachOptions` (defaults, checks), `checkHandshake` (the refusals, a pure
 * function), `ipLimits.ts` (the counts), `authenticateHandshake` (the timeout),
 * `createUpgradeListener` (the 'upgrade' listener) and `acceptConnection` (codec, adapter,
 * `connectUser`).
 */
export function attach(manager: Manager, options: AttachOptions): AttachHandle {
  const config = resolveAttachOptions(options);
  const wss = createServer(manager, config);
  const endpoint: Endpoint = {
    manager,
    config,
    counts: createConnectionCounts(config),
    wss,
    closed: false,
  };
  const onUpgrade = createUpgradeListener(endpoint);
  const server = config.server;
  server.on('upgrade', onUpgrade);

  return {
    path: config.path,
    wss,
    stats: () => ({
      handshakes: endpoint.counts.handshakes.total(),
      connections: endpoint.counts.connections(),
    }),
    close() {
      if (endpoint.closed) return Promise.resolve();
      endpoint.closed = true;
      server.removeListener('upgrade', onUpgrade);
      return new Promise((resolve) => {
        wss.close(() => resolve());
      });
    },
  };
}
