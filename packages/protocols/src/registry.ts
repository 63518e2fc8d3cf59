import type { SocketLike } from '@ws/core';
import { WsError } from '@ws/core';
import type { WhatwgWebSocket } from './whatwgSocket.js';
import { wrapWhatwgSocket } from './whatwgSocket.js';

/** Options a handler's `wrap` receives from {@link ProtocolRegistry.getConnectionWrapper}. */
export interface WrapOptions {
  /**
   * Refuse binary frames with 1003 (a text-only subprotocol).
   * @default false
   */
  readonly textOnly?: boolean;
  /**
   * The protocol reported to core.
   * @default the socket's negotiated subprotocol
   */
  readonly protocol?: string;
  /**
   * Receives transport errors and listener failures.
   * @default ignore
   */
  readonly onError?: (err: unknown) => void;
}

/** Recognises one kind of socket and wraps it into core's `SocketLike`. */
export interface ProtocolHandler {
  /** True when `socket` is of this handler's kind. */
  matches(socket: unknown): boolean;
  wrap(socket: unknown, options?: WrapOptions): SocketLike;
}

/** Kind names of registered handlers, and the lookup from a socket to its wrapper. */
export interface ProtocolRegistry {
  /**
   * Registers (or replaces) the handler of `kind`. Handlers registered later are tried first, so
   * an application's handler wins over a built-in one that also matches.
   */
  registerProtocolHandler(kind: string, handler: ProtocolHandler): void;
  /** The kind of `socket`, or undefined when no handler recognises it. */
  detect(socket: unknown): string | undefined;
  /**
   * Recognises the socket's kind and wraps it; an unknown kind throws
   * `WsError('unsupported_socket')`.
   */
  getConnectionWrapper(socket: unknown, options?: WrapOptions): SocketLike;
  /** The registered kinds, in lookup order. */
  kinds(): string[];
}

/** True when `socket` looks like a WHATWG `WebSocket` (browsers, undici, Deno, Bun, `ws`). */
export function isWhatwgWebSocket(socket: unknown): socket is WhatwgWebSocket {
  if (typeof socket !== 'object' || socket === null) return false;
  const s = socket as Record<string, unknown>;
  return (
    typeof s.send === 'function' &&
    typeof s.close === 'function' &&
    typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function' &&
    typeof s.readyState === 'number' &&
    'binaryType' in s
  );
}

/** The built-in handler of WHATWG sockets (kind `whatwg`). */
export function whatwgProtocolHandler(): ProtocolHandler {
  return {
    matches: isWhatwgWebSocket,
    wrap(socket, options = {}) {
      if (!isWhatwgWebSocket(socket))
        throw new WsError('unsupported_socket', 'not a WHATWG WebSocket');
      return wrapWhatwgSocket(socket, options);
    },
  };
}

/**
 * Creates a registry of socket kinds, with the `whatwg` handler built in. Add the `ws` handler
 * from `@ws/protocols/ws` (`registry.registerProtocolHandler('ws', wsProtocolHandler())`).
 */
export function createProtocolRegistry(): ProtocolRegistry {
  const handlers = new Map<string, ProtocolHandler>();
  const order = (): [string, ProtocolHandler][] => [...handlers].reverse();
  const registry: ProtocolRegistry = {
    registerProtocolHandler(kind, handler) {
      if (typeof kind !== 'string' || kind === '') {
        throw new WsError('invalid_options', 'a protocol handler needs a non-empty kind');
      }
      if (typeof handler?.matches !== 'function' || typeof handler.wrap !== 'function') {
        throw new WsError(
          'invalid_options',
          `protocol handler "${kind}" needs matches() and wrap()`,
        );
      }
      handlers.delete(kind);
      handlers.set(kind, handler);
    },
    detect(socket) {
      for (const [kind, handler] of order()) {
        try {
          if (handler.matches(socket)) return kind;
        } catch {
          // A handler that cannot inspect this value does not recognise it.
        }
      }
      return undefined;
    },
    getConnectionWrapper(socket, options) {
      const kind = registry.detect(socket);
      if (kind === undefined) {
        throw new WsError(
          'unsupported_socket',
          `no protocol handler recognises this socket (registered: ${registry.kinds().join(', ') || 'none'})`,
        );
      }
      return (handlers.get(kind) as ProtocolHandler).wrap(socket, options);
    },
    kinds: () => order().map(([kind]) => kind),
  };
  registry.registerProtocolHandler('whatwg', whatwgProtocolHandler());
  return registry;
}
