import { WsError } from '@ws/core';
import { WebSocket } from 'ws';
import type { ProtocolHandler } from '../registry.js';
import type { WsAdapter } from './wsSocket.js';
import { createWsAdapter } from './wsSocket.js';

/** True when `socket` is a `ws` WebSocket (also from another copy of `ws`, by its shape). */
export function isWsWebSocket(socket: unknown): socket is WebSocket {
  if (socket instanceof WebSocket) return true;
  if (typeof socket !== 'object' || socket === null) return false;
  const s = socket as Record<string, unknown>;
  return (
    typeof s.terminate === 'function' &&
    typeof s.ping === 'function' &&
    typeof s.pause === 'function' &&
    typeof s.on === 'function' &&
    typeof s.send === 'function' &&
    typeof s.readyState === 'number'
  );
}

/**
 * The registry handler of `ws` sockets (register it as kind `ws`). Every socket it wraps shares
 * one adapter, so broadcasts are framed once.
 */
export function wsProtocolHandler(adapter: WsAdapter = createWsAdapter()): ProtocolHandler {
  return {
    matches: isWsWebSocket,
    wrap(socket, options = {}) {
      if (!isWsWebSocket(socket)) throw new WsError('unsupported_socket', 'not a ws WebSocket');
      return adapter.wrap(socket, options);
    },
  };
}
