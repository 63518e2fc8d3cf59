/** What plugins and listeners see of a connection, and the middleware types that receive it. */
import type { DeliveryTarget } from './cluster.js';
import type { Contract } from './contractTypes.js';
import type { WireErrorCode } from './errors.js';
import type { ClientFrame, RequestId, ServerFrame } from './frames.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { ClientFrameOf, ServerFrameOf } from './contractFrames.js';

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

/**
 * Inbound middleware: call (and return or await) `next()` to pass the frame on; return without it
 * to consume it. On a manager typed by contract `C` its frames are `ClientFrameOf<C>` (what the
 * `message` event gets; they hold once `quality({ contract })` has checked them, so register
 * after it). `next` takes any `ClientFrame`, typed or not: a replacement frame is not checked
 * against the contract. `C` = `Contract`: any `ClientFrame`, as before.
 */
export type InboundMiddleware<C extends Contract = Contract> = FrameMiddleware<
  Connection,
  ClientFrameOf<Measured<C>>,
  ClientFrame
>;

/**
 * Outbound middleware: runs once per send, on the sending instance, before encoding. On a
 * manager typed by contract `C` its frames are `ServerFrameOf<C>` (`message` data typed by the
 * thread's glob or the direct schema); `next` takes any `ServerFrame`. `C` = `Contract`: any
 * `ServerFrame`, as before.
 */
export type OutboundMiddleware<C extends Contract = Contract> = FrameMiddleware<
  DeliveryTarget,
  ServerFrameOf<Measured<C>>,
  ServerFrame
>;

/**
 * `C` itself, as a mapped type. `ClientFrameOf` and `ServerFrameOf` test `[Contract] extends [C]`,
 * which TypeScript's variance measurement takes for invariant, so a middleware of `Contract` would
 * never be compared with one of a typed contract member by member (and a generic `Plugin` would
 * not fit a typed manager). Through a mapped type the measurement is marked unreliable and
 * TypeScript compares the frames themselves.
 */
type Measured<C extends Contract> = { readonly [K in keyof C]: C[K] };

/**
 * A middleware over frames `F` of a wire type `W`: `next` takes any `W` (the pipeline does), so
 * middleware typed by a contract and untyped middleware stay comparable, which keeps a typed
 * manager a `Manager` and a generic `Plugin` usable on one.
 */
type FrameMiddleware<T, F extends W, W> = (
  to: T,
  frame: F,
  next: (frame?: W) => void | Promise<void>,
) => void | Promise<void>;
