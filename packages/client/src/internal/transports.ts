import type { ClientCodec } from '../codec.js';
import { ClientError } from '../errors.js';
import { subprotocols } from '../frames.js';
import type { ClientOptions, Transport } from '../options.js';
import type { WebSocketConstructor } from '../socket.js';
import { HttpSocket } from './httpSocket.js';

function resolveWebSocket(option: WebSocketConstructor | undefined): WebSocketConstructor {
  const ctor = option ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (ctor === undefined) {
    throw new ClientError(
      'invalid_options',
      "no WebSocket in this runtime: pass one (in Node 20: `import { WebSocket } from 'undici'`)",
    );
  }
  return ctor;
}

/**
 * The client's transports, checked, in order, each with its socket constructor: by default
 * WebSocket, then (with the JSON protocol and a global `fetch`) the HTTP fallback.
 */
export function resolveTransports(
  options: ClientOptions,
  codec: ClientCodec,
): readonly (readonly [Transport, WebSocketConstructor])[] {
  const t = options.transports;
  const http = codec.name === subprotocols.json && typeof fetch === 'function';
  const ok = (x: unknown): boolean => x === 'websocket' || (x === 'http' && http);
  if (t !== undefined && !(Array.isArray(t) && t.length > 0 && t.every(ok)))
    throw new ClientError(
      'invalid_options',
      "transports must list 'websocket' and/or 'http' ('http' needs protocol 'json' and fetch)",
    );
  const list: readonly Transport[] = t ?? (http ? ['websocket', 'http'] : ['websocket']);
  return list.map((x) => [x, x === 'http' ? HttpSocket : resolveWebSocket(options.WebSocket)]);
}
