/**
 * The manager's sends and their options, typed by a contract: `Manager<typeof contract>` (from
 * `createManager({ contract })`) takes only the contract's threads and payloads, `Manager`
 * (no contract) any `ThreadId` and any data. Types only.
 */
import type { Contract, PayloadOf, ThreadOf } from './contractTypes.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { SendResult } from './sendResult.js';
import type { StandardSchemaV1 } from './standardSchema.js';

/** Options of a send. */
export interface SendOptions {
  /**
   * The sender shown in `from`; `null` for messages the application sends itself.
   * @default null
   */
  readonly from?: UserId | null;
}

/** Options of a thread send. */
export interface ThreadSendOptions extends SendOptions {
  /**
   * Connections that must not receive this message (e.g. the one that sent it).
   * @default none
   */
  readonly except?: ConnectionId | readonly ConnectionId[];
}

/**
 * A thread send's data: `PayloadOf<C, T>` (`unknown` for an untyped manager: its one entry holds
 * every thread with `unknown` data); for a `never` thread every payload of the contract.
 */
type ThreadData<C extends Contract, T extends string> = [T] extends [never]
  ? PayloadOf<C, ThreadOf<C>>
  : PayloadOf<C, T>;

/** The input type of a direct schema, per member: `unknown` for `Contract`'s schema-or-none. */
type SchemaData<D> = D extends StandardSchemaV1 ? StandardSchemaV1.InferInput<D> : never;

/** A direct send's data: `DirectPayload<C>`, or `unknown` for an untyped manager. */
type DirectData<C extends Contract> = SchemaData<C['direct']>;

/**
 * The sends of a manager typed by contract `C`. A thread send's thread must fit one of the
 * contract's globs (`threadId('chat:1')` keeps its literal type; a `ThreadId` built from a plain
 * `string` fits only `**`) and its data is that glob's schema's input type ({@link PayloadOf});
 * `sendToUser`, `sendToConnection` and `broadcast` send messages without a thread, so their
 * data is the direct schema's (`DirectPayload<C>`, `never` without one). `C` = `Contract`
 * (the default: no contract, or one known only as `Contract`) takes any `ThreadId` and any data.
 * Types only: the run-time check is `validateSends`. Keep these methods in method syntax: it
 * compares their parameters bivariantly, which makes a typed manager a `Manager` (checked
 * member by member in manager.contract.test-d.ts).
 */
export interface ManagerSends<C extends Contract = Contract> {
  sendToUser(userId: UserId, data: DirectData<C>, options?: SendOptions): Promise<SendResult>;
  sendToThread<T extends ThreadOf<C> & ThreadId>(
    threadId: T,
    data: ThreadData<C, T>,
    options?: ThreadSendOptions,
  ): Promise<SendResult>;
  sendToConnection(
    connectionId: ConnectionId,
    data: DirectData<C>,
    options?: SendOptions,
  ): Promise<SendResult>;
  broadcast(data: DirectData<C>, options?: SendOptions): Promise<SendResult>;
}
