import type { PresenceChange } from './cluster.js';
import type { WsError } from './errors.js';
import type { Contract, ContractThread, DirectPayload, PatternThread } from './contractTypes.js';
import type { ClientFrame, DirectFrame, PublishFrame } from './frames.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { Connection } from './connection.js';
import type { DropCause } from './sendResult.js';
import type { StandardSchemaV1 } from './standardSchema.js';

/** Why and by whom a connection ended. */
export interface DisconnectInfo {
  readonly code: number;
  readonly reason: string;
  readonly by: 'server' | 'client';
}

/** A connection closed to make room for a newer one of the same user. */
export interface EvictedInfo {
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly code: number;
}

/** A delivery that did not happen. */
export interface DroppedInfo {
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly cause: DropCause;
  readonly threadId?: ThreadId;
}

/** Where a reported error came from. */
export interface ErrorInfo {
  readonly stage: string;
  readonly connectionId?: ConnectionId;
}

/** A `publish` frame of one glob's entry: its thread type and its schema's (input) type. */
type PublishOf<E> = E extends ContractThread
  ? Omit<PublishFrame, 'thread' | 'data'> & {
      readonly thread: PatternThread<E['pattern']>;
      readonly data: StandardSchemaV1.InferInput<E['schema']>;
    }
  : never;

/** A `direct` frame of a contract with a `direct` schema (none without one). */
type DirectOf<C extends Contract> = [DirectPayload<C>] extends [never]
  ? never
  : Omit<DirectFrame, 'data'> & { readonly data: DirectPayload<C> };

/**
 * A client frame as the `message` event gives it under contract `C`: `publish` frames one
 * member per glob (narrow on `frame.thread` or the `data`), `direct` frames with the direct
 * schema's type (none without one), the other frames as they are. `ClientFrame` itself for an
 * untyped manager. The types hold when inbound frames are checked against the same contract
 * (`quality({ contract })` from `@ws/quality`, a gate that runs before this event); without
 * that check clients can send anything.
 */
export type ClientFrameOf<C extends Contract> = [Contract] extends [C]
  ? ClientFrame
  : | Exclude<ClientFrame, PublishFrame | DirectFrame>
    | PublishOf<C['threads'][number]>
    | DirectOf<C>;

/**
 * The manager's events and their arguments, with `message` typed by contract `C`. Plugins emit
 * theirs with a prefix (`heartbeat:timeout`).
 */
export interface ManagerEvents<C extends Contract = Contract> {
  connection: [connection: Connection];
  disconnect: [connection: Connection, info: DisconnectInfo];
  message: [connection: Connection, frame: ClientFrameOf<C>];
  /** A connection became a member of a thread (a join, or a thread restored from a session). */
  join: [connection: Connection, threadId: ThreadId];
  /** A connection stopped being a member of a thread (a leave, or its close). */
  leave: [connection: Connection, threadId: ThreadId];
  /** Users joined or left a thread cluster-wide (first and last connections), as learned here. */
  presence: [change: PresenceChange];
  pong: [connection: Connection, kind: 'protocol' | 'application'];
  evicted: [info: EvictedInfo];
  dropped: [info: DroppedInfo];
  error: [error: WsError, info: ErrorInfo];
  draining: [];
  close: [];
}

/** A manager event name, or a plugin's prefixed one. */
export type ManagerEventName = keyof ManagerEvents | `${string}:${string}`;

/** The listener type of an event (of a manager typed by contract `C`). */
export type ManagerListener<
  E extends ManagerEventName,
  C extends Contract = Contract,
> = E extends keyof ManagerEvents
  ? (...args: ManagerEvents<C>[E]) => void
  : (...args: never[]) => void;
