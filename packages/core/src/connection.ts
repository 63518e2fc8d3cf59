/** What plugins and listeners see of a connection, and the middleware types that receive it. */
import type { DeliveryTarget } from './cluster.js';
import type { WireErrorCode } from './errors.js';
import type { ClientFrame, RequestId, ServerFrame } from './frames.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';

/**
 * A read-only view of one connection, given to plugins and event listeners. Per-connection plugin
 * state belongs in a `WeakMap` keyed by this object (it is the same object for the connection's
 * whole life); a plugin never keeps its own connection table. Its methods live on a shared
 * prototype: call them on the view (`conn.ping()`), or bind them (`conn.ping.bind(conn)`).
 */
export interface Connection {
  readonly id: ConnectionId;
  readonly userId: UserId;
  readonly threads: ReadonlySet<ThreadId>;
  /** Application context given to `connectUser`. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The negotiated subprotocol (the codec's name). */
  readonly protocol: string;
  readonly connectedAt: number;
  /** Last sign of life: any inbound frame or pong. */
  readonly lastActivityAt: number;
  /** True while the connection is registered and its socket open. */
  readonly isOpen: boolean;
  /** True when the socket has protocol-level ping/pong. */
  readonly hasProtocolPing: boolean;
  /** Sends one frame to this connection; false when it was not written (closed, slow). */
  send(frame: ServerFrame): boolean;
  /** Sends an `error` frame and counts one violation (the limit closes with 1008). */
  reject(code: WireErrorCode, message: string, id?: RequestId): void;
  close(code?: number, reason?: string): void;
  /** Drops at once; the registry forgets the connection immediately. */
  terminate(): void;
  /** A protocol-level ping where the socket has one, else an application `{"type":"ping"}`. */
  ping(): void;
}

/** Inbound middleware: call (and return or await) `next()` to pass the frame on; return without it to consume it. */
export type InboundMiddleware = (
  connection: Connection,
  frame: ClientFrame,
  next: (frame?: ClientFrame) => void | Promise<void>,
) => void | Promise<void>;

/** Outbound middleware: runs once per send, on the sending instance, before encoding. */
export type OutboundMiddleware = (
  target: DeliveryTarget,
  frame: ServerFrame,
  next: (frame?: ServerFrame) => void | Promise<void>,
) => void | Promise<void>;
