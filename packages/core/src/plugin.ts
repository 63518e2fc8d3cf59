import type { Clock } from './clock.js';
import type { DeliveryTarget } from './cluster.js';
import type { WireErrorCode } from './errors.js';
import type { ClientFrame, RequestId, ServerFrame } from './frames.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { Logger } from './logger.js';
import type { Manager } from './manager.js';
import type { MetricsRegistry } from './metrics.js';

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

/** What a plugin's `setup` receives. */
export interface PluginContext {
  readonly manager: Manager;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  onError(
    err: unknown,
    info: { readonly stage: string; readonly connectionId?: ConnectionId },
  ): void;
  inbound(middleware: InboundMiddleware): void;
  outbound(middleware: OutboundMiddleware): void;
  connections(): IterableIterator<Connection>;
  getConnection(id: ConnectionId): Connection | undefined;
  /** Emits a plugin event on the manager; names carry the plugin's prefix (`heartbeat:timeout`). */
  emit(event: `${string}:${string}`, ...args: unknown[]): void;
  /** Runs when the manager closes (clear timers here). */
  onClose(hook: () => void | Promise<void>): void;
}

/** A plugin: `manager.use(plugin)` runs `setup` once and returns its handle. */
export interface Plugin<Handle = void> {
  readonly name: string;
  setup(ctx: PluginContext): Handle;
}
