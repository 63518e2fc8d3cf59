import type { ClientFrame, Connection, DeliveryTarget, ServerFrame, WireErrorCode } from '@ws/core';

/** A gate's answer: pass the frame on, reject it with a wire error code, or close the connection. */
export type GateVerdict =
  | { readonly verdict: 'pass' }
  | { readonly verdict: 'reject'; readonly code: WireErrorCode; readonly message: string }
  | { readonly verdict: 'close'; readonly code?: number; readonly reason?: string };

/** Which way a frame travels: from a client (`inbound`) or to clients (`outbound`). */
export type GateDirection = 'inbound' | 'outbound';

/** What a gate knows besides the frame, common to both directions. */
interface GateInputBase {
  /** The manager clock's time, in ms since the epoch. */
  readonly now: number;
  /** Reports a failure the gate handled itself (e.g. a store outage it fails open on). */
  reportError(err: unknown, stage: string): void;
}

/** An inbound frame: decoded, shape-checked by core, never `ping`/`pong`. */
export interface InboundGateInput extends GateInputBase {
  readonly direction: 'inbound';
  readonly connection: Connection;
  readonly frame: ClientFrame;
}

/** An outbound message, once per send on the sending instance, before encoding. */
export interface OutboundGateInput extends GateInputBase {
  readonly direction: 'outbound';
  readonly target: DeliveryTarget;
  readonly frame: ServerFrame;
}

/** What a gate sees. */
export type GateInput = InboundGateInput | OutboundGateInput;

/**
 * A quality gate. `name` labels its metrics, so it must come from a small fixed set (one per
 * gate, not per user or thread). `check` may be sync or async; a throw is a bug in the gate: the
 * frame is refused with `internal_error` and the error goes to the manager's `onError`.
 */
export interface Gate {
  readonly name: string;
  /**
   * The directions this gate supports; `quality()` refuses it elsewhere.
   * @default ['inbound', 'outbound']
   */
  readonly directions?: readonly GateDirection[];
  check(input: GateInput): GateVerdict | Promise<GateVerdict>;
}

const passVerdict: GateVerdict = Object.freeze({ verdict: 'pass' });

/** The `pass` verdict. */
export function pass(): GateVerdict {
  return passVerdict;
}

/** A `reject` verdict: the client gets an `error` frame with `code` and `message`. */
export function reject(code: WireErrorCode, message: string): GateVerdict {
  return { verdict: 'reject', code, message };
}

/**
 * A `close` verdict: the connection is closed.
 * @param code close code; defaults to quality's `closeCode` (`CloseCode.policyViolation`, 1008)
 */
export function close(code?: number, reason?: string): GateVerdict {
  return {
    verdict: 'close',
    ...(code === undefined ? {} : { code }),
    ...(reason === undefined ? {} : { reason }),
  };
}
