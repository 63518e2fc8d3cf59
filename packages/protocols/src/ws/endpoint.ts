import type { Manager } from '@ws/core';
import type { WebSocketServer } from 'ws';
import type { AttachConfig } from './attachConfig.js';
import type { HandshakeState } from './checkHandshake.js';
import type { ConnectionCounts } from './ipLimits.js';

/** One attach at run time: its manager, resolved options, counts and `ws` server. */
export interface Endpoint extends HandshakeState {
  readonly manager: Manager;
  readonly config: AttachConfig;
  readonly counts: ConnectionCounts;
  /** The `ws` server (noServer mode) doing the handshakes. */
  readonly wss: WebSocketServer;
  /** Set by `close()`: later handshakes get 503. */
  closed: boolean;
}
