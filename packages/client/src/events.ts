import type { Transport } from './options.js';
import type {
  Contract,
  ContractThread,
  DirectPayload,
  PatternThread,
  SchemaPayload,
  UntypedContract,
} from './contract.js';
import type { ClientError } from './errors.js';

/**
 * A message as the application receives it: a thread message (with `thread`, `offset`) or a
 * direct one. With a contract, `Data` is the schema's type and `Thread` the thread's.
 */
export interface ClientMessage<Data = unknown, Thread extends string = string> {
  readonly thread?: Thread;
  /** The sending user; `null` for messages the server application sends itself. */
  readonly from: string | null;
  readonly data: Data;
  readonly offset?: string;
}

/** A thread message of one glob's entry: its thread type and its schema's (input) type. */
type EntryMessage<E> = E extends ContractThread
  ? ClientMessage<SchemaPayload<E['schema']>, PatternThread<E['pattern']>> & {
      readonly thread: PatternThread<E['pattern']>;
    }
  : never;

/** A direct message (no `thread`) of a contract with a `direct` schema. */
type DirectMessage<C extends Contract> = [DirectPayload<C>] extends [never]
  ? never
  : ClientMessage<DirectPayload<C>, never> & { readonly thread?: undefined };

/**
 * The `message` event's message under a contract: one member per thread glob (`thread` set)
 * and one for direct messages (`thread` absent), so `m.thread === undefined` narrows to a direct
 * message. {@link ClientMessage} itself for an untyped client.
 */
export type MessageOf<C extends Contract> = [UntypedContract] extends [C]
  ? ClientMessage
  : EntryMessage<C['threads'][number]> | DirectMessage<C>;

/** A watched thread's presence: its users (each once, whatever their tabs), as the client keeps it. */
export interface ClientPresence {
  readonly thread: string;
  /** Users in the thread. */
  readonly count: number;
  /** The users; empty while `countsOnly` (a thread over the server's list size sends counts). */
  readonly users: readonly string[];
  readonly countsOnly: boolean;
}

/** The client's connection states. */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Every event of the client and its payload; with a contract, `message` is typed by it. */
export interface ClientEvents<C extends Contract = UntypedContract> {
  /** A socket is being opened. `attempt` is 0 for the first try after a success. */
  connecting: { readonly url: string; readonly attempt: number };
  /** The server's `welcome` arrived; requests flow. `resumed`: this follows an earlier connection. */
  open: {
    readonly url: string;
    readonly connectionId: string;
    readonly userId: string;
    readonly instanceId: string;
    readonly restored: readonly string[];
    readonly resumed: boolean;
    /** The transport of this connection (`'http'`: the fallback, when WebSocket was blocked). */
    readonly transport: Transport;
  };
  /** The socket closed and the client will retry after `delayMs` (at `url`). */
  reconnecting: {
    readonly code: number;
    readonly reason: string;
    readonly willRetry: true;
    readonly delayMs: number;
    readonly attempt: number;
    readonly url: string;
  };
  /** The socket closed and the client will not retry (call `connect()` to try again). */
  closed: { readonly code: number; readonly reason: string; readonly willRetry: false };
  /** A thread or direct message, in offset order per thread, never twice. */
  message: MessageOf<C>;
  /**
   * A thread's state after a reconnect or `resync`: `recovered: false` means messages may have
   * been missed (outside the server's history window, or the membership had to be joined anew).
   */
  resumed: { readonly thread: string; readonly recovered: boolean };
  /** A watched thread's presence changed (or was read anew after a reconnect). */
  presence: ClientPresence;
  /** Credentials were refreshed in place (no reconnect); `expiresAt` absent: they no longer expire. */
  refreshed: { readonly expiresAt?: number };
  /** Background problems: undecodable frames, refused hints, failed rejoins, throwing listeners. */
  error: ClientError;
}

/** An event name of {@link ClientEvents}. */
export type ClientEventName = keyof ClientEvents;
