/**
 * Frames typed by a contract: `ClientFrameOf<C>` (the `message` event, inbound middleware) and
 * `ServerFrameOf<C>` (outbound middleware). Types only.
 */
import type { Contract, ContractThread, DirectPayload, PatternThread } from './contractTypes.js';
import type {
  ClientFrame,
  DirectFrame,
  MessageFrame,
  PublishFrame,
  ServerFrame,
} from './frames.js';
import type { StandardSchemaV1 } from './standardSchema.js';

/**
 * Frame `F` (a `publish`, or a thread `message`) of one glob's entry: its thread type and its
 * schema's (input) type.
 */
type ThreadFrameOf<F, E> = E extends ContractThread
  ? Omit<F, 'thread' | 'data'> & {
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
    | ThreadFrameOf<PublishFrame, C['threads'][number]>
    | DirectOf<C>;

/** A direct `message` (no thread) of a contract with a `direct` schema (none without one). */
type DirectMessageOf<C extends Contract> = [DirectPayload<C>] extends [never]
  ? never
  : Omit<MessageFrame, 'thread' | 'data' | 'offset'> & {
      readonly thread?: never;
      readonly offset?: never;
      readonly data: DirectPayload<C>;
    };

/**
 * A server frame as outbound middleware sees it under contract `C`: thread `message` frames one
 * member per glob (`thread` and `data` typed; narrow on `frame.thread`), direct ones (no
 * `thread`) with the direct schema's type (none without one), the other frames as they are.
 * `ServerFrame` itself for an untyped manager. The types hold for what the typed manager sends;
 * a send through it as a plain `Manager` (a generic plugin, `@ws/http-api`) may carry anything
 * unless `validateSends` checks it.
 */
export type ServerFrameOf<C extends Contract> = [Contract] extends [C]
  ? ServerFrame
  : | Exclude<ServerFrame, MessageFrame>
    | ThreadFrameOf<MessageFrame, C['threads'][number]>
    | DirectMessageOf<C>;
