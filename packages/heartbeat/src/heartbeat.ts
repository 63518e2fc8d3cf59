import type { Plugin } from '@ws/core';
import { startHeartbeat } from './internal/engine.js';
import type { HeartbeatOptions } from './options.js';
import { resolveHeartbeatOptions } from './options.js';
import type { HeartbeatHandle } from './types.js';

/**
 * The heartbeat plugin: `const hb = manager.use(heartbeat(options))`. It pings every connection
 * once per `intervalMs` (a protocol ping where the socket has one, else `{"type":"ping"}`),
 * counts a ping as missed when no sign of life (a pong or any inbound frame) follows within
 * `timeoutMs`, and after `maxMissed` consecutive misses terminates the connection (no close
 * frame can reach a dead peer: the client sees 1006) and emits `heartbeat:timeout`. One timer
 * serves every connection; a blocked event loop never gets a healthy connection declared dead.
 *
 * Options are validated here, at creation: invalid ones throw `WsError('invalid_options')`.
 */
export function heartbeat(options: HeartbeatOptions = {}): Plugin<HeartbeatHandle> {
  const resolved = resolveHeartbeatOptions(options);
  return {
    name: 'heartbeat',
    setup: (ctx) => startHeartbeat(ctx, resolved),
  };
}
