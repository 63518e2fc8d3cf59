import type { PresenceChange } from './cluster.js';
import type { WsError } from './errors.js';
import type { ClientFrameOf } from './contractFrames.js';
import type { Contract } from './contractTypes.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { Connection } from './connection.js';
import type { DropCause } from './sendResult.js';

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
