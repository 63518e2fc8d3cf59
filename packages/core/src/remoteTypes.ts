/**
 * The operations on a connection or a user of another instance: a cluster-wide close, a send to
 * one connection, and frames received for one (an HTTP transport's POST).
 */
import type { ConnectionId, InstanceId } from './ids.js';

/** How a cluster-wide disconnect closes a user's connections (see `disconnectUser`). */
export interface UserClose {
  /** 4000-4099 or 4103 (`CloseCode.revoked`), checked by the manager. */
  readonly code: number;
  readonly reason: string;
}

/** A connection of another instance: the instance its id names, and the id. */
export interface RemoteConnection {
  readonly instanceId: InstanceId;
  readonly connectionId: ConnectionId;
}

/**
 * What the owner of a connection did with a frame sent to it from another instance: written,
 * not there (`not_found`), there but not written (`dropped`: closed or slow), or no answer from
 * it within the adapter's bound (`no_answer`).
 */
export type ConnectionSendOutcome = 'delivered' | 'not_found' | 'dropped' | 'no_answer';

/**
 * Frames for a connection that came in outside its socket (a POST of an HTTP transport, on any
 * instance of the cluster). `manager.receive` checks the credential, then the sequence number,
 * then hands the frames to the connection's inbound path, in order, as if they had arrived on
 * its socket.
 */
export interface ReceiveRequest {
  /**
   * The frames, each as the connection's codec reads one socket message (JSON text for
   * `wsm.v1.json`). Each goes through the same size limit, decoding, validation, inbound budget
   * and middleware as a socket message.
   */
  readonly frames: readonly (string | Uint8Array)[];
  /**
   * The credential presented with the frames, compared in constant time with the one the
   * connection was registered with (`connectUser(..., { credential })`). A transport passes a
   * digest of its per-connection secret, never the secret itself.
   */
  readonly credential: string;
  /**
   * The batch's sequence number: 1 for a connection's first batch, then 2, 3, ... The next one
   * is delivered; an earlier one (a retry) is answered `duplicate` and not delivered again; a
   * later one (a batch went missing) is answered `gap` and not delivered.
   */
  readonly seq: number;
}

/**
 * What `receive` did: `ok` (delivered), `duplicate` (already delivered: a retry), `gap` (a
 * batch before it is missing: nothing delivered), `unknown` (no such open connection anywhere
 * the adapter can reach), `unauthorized` (wrong credential, or a connection registered without
 * one: nothing delivered), `no_answer` (the owner, another instance, did not answer within the
 * adapter's bound; the frames may or may not have been delivered, so a retry with the same
 * `seq` is safe).
 */
export type ReceiveOutcome = 'ok' | 'duplicate' | 'gap' | 'unknown' | 'unauthorized' | 'no_answer';

/** What `receive` answers: the outcome, and with `gap` (and `duplicate`) the next expected seq. */
export interface ReceiveResult {
  readonly outcome: ReceiveOutcome;
  /** The sequence number the owner expects next (set when the owner answered). */
  readonly expectedSeq?: number;
}
