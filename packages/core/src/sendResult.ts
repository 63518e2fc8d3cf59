import type { WsError } from './errors.js';
import type { Offset } from './ids.js';

/**
 * Why a delivery to one connection did not happen: `slow_consumer` (over its buffered limit),
 * `closed` (socket no longer open), `send_failed` (the socket threw), `filtered` (an outbound
 * middleware consumed the message; counted once per send), `not_found` (no such connection here).
 */
export type DropCause = 'slow_consumer' | 'closed' | 'send_failed' | 'filtered' | 'not_found';

/** The outcome of one send. Nothing is lost silently: every recipient is delivered or counted. */
export interface SendResult {
  /** True when nothing failed: no error and no failed remote publication. */
  readonly ok: boolean;
  /** Local connections the frame was written to. */
  readonly delivered: number;
  /** True when the frame was handed to other instances. */
  readonly published: boolean;
  /** True when the cluster adapter failed to publish (other instances did not get it). */
  readonly failedRemote: boolean;
  /** Deliveries that did not happen, by cause. */
  readonly dropped: Readonly<Partial<Record<DropCause, number>>>;
  /** The thread offset of a thread message. */
  readonly offset?: Offset;
  /** Why the send failed as a whole (`unserializable`, `cluster_error`, `closed`...). */
  readonly error?: WsError;
}
