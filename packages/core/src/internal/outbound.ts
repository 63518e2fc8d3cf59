import type { SendOptions } from '../managerSends.js';
import type { DeliveryTarget } from '../cluster.js';
import { WsError } from '../errors.js';
import type { ServerFrame } from '../frames.js';
import type { UserId } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import { toWireData, toWireDataOwned } from '../serialize.js';
import { failedSend, sendResult } from './outcome.js';
import type { ManagerState } from './state.js';
import { countDrop, createTally } from './writing.js';

/** What one send carries: its data and sender. One object per send. */
export interface Outgoing {
  readonly data: unknown;
  /** The sender shown in `from`; `null` for messages the application sends itself. */
  readonly from: UserId | null;
  /** The data came from a client's frame (nobody else holds it): plain data needs no copy. */
  readonly owned: boolean;
}

/** The {@link Outgoing} of an application send (`manager.sendToUser`, ...). */
export function outgoing(data: unknown, options: SendOptions = {}): Outgoing {
  return { data, from: options.from ?? null, owned: false };
}

/** A send's data made wire-ready, or the result of a send that cannot start. */
export type Started =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly result: SendResult };

/** Starts a send: refused once the manager is closed, then the data normalized once. */
export function startSend(state: ManagerState, out: Outgoing): Started {
  if (state.lifecycle === 'closed') {
    return { ok: false, result: failedSend(new WsError('closed', 'the manager is closed')) };
  }
  const wire = out.owned ? toWireDataOwned(out.data) : toWireData(out.data);
  if (wire.ok) return wire;
  state.m.sendFailures.inc(1, { cause: 'unserializable' });
  return { ok: false, result: failedSend(wire.error) };
}

/**
 * Runs the outbound middleware once for this send. Resolves to the frame to send, or undefined
 * when a middleware consumed it.
 */
async function runOutbound(
  state: ManagerState,
  target: DeliveryTarget,
  frame: ServerFrame,
): Promise<ServerFrame | undefined> {
  const chain = state.outbound;
  let passed: ServerFrame | undefined;
  const step = async (i: number, f: ServerFrame): Promise<void> => {
    if (i === chain.length) {
      passed = f;
      return;
    }
    await (chain[i] as (typeof chain)[number])(target, f, (next) => step(i + 1, next ?? f));
  };
  await step(0, frame);
  return passed;
}

/** The frame to send once the outbound middleware ran, or the result of a send it ended. */
export type Prepared<F> = { readonly frame: F } | { readonly result: SendResult };

/**
 * Applies the outbound middleware (only called when some is installed): the frame a middleware
 * passed on, `filtered` when one consumed it, or a failed send when one threw.
 */
export function applyOutbound<F extends ServerFrame>(
  state: ManagerState,
  target: DeliveryTarget,
  frame: F,
): Promise<Prepared<F>> {
  return runOutbound(state, target, frame).then(
    (out): Prepared<F> => {
      if (out !== undefined) return { frame: out as F };
      const tally = createTally();
      countDrop(state, tally, 'filtered');
      return { result: sendResult(tally, {}) };
    },
    (err: unknown): Prepared<F> => {
      const error = state.reportError(err, 'outbound-middleware');
      return {
        result: failedSend(
          new WsError('internal_error', 'outbound middleware failed', { cause: error }),
        ),
      };
    },
  );
}
