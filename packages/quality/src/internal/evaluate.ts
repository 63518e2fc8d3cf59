import type { ClientFrame, Connection } from '@ws/core';
import type { GateInput } from '../gate.js';
import type { QualityState } from './qualityState.js';
import type { GateChain, QualityVerdictBase } from './runGates.js';
import { runGates } from './runGates.js';

/** Reports a gate's failure to `onError`, with the connection's id when there is one. */
export function reportFor(
  st: QualityState,
  connection: Connection | undefined,
): (err: unknown, stage: string) => void {
  return (err, stage) => {
    st.ctx.onError(
      err,
      connection === undefined ? { stage } : { stage, connectionId: connection.id },
    );
  };
}

/** What the inbound gates see of one frame. */
export function inboundInput(
  st: QualityState,
  connection: Connection,
  frame: ClientFrame,
): GateInput {
  return {
    direction: 'inbound',
    connection,
    frame,
    now: st.clock.now(),
    reportError: reportFor(st, connection),
  };
}

/** Runs one chain on one input; a gate's failure is reported with the inbound connection's id. */
export function evaluate(
  st: QualityState,
  chain: GateChain,
  input: GateInput,
): QualityVerdictBase | Promise<QualityVerdictBase> {
  const report = reportFor(st, input.direction === 'inbound' ? input.connection : undefined);
  return runGates(chain, input, (err, gate) => {
    report(err, `gate:${gate.name}`);
  });
}

/** Counts an inbound decision in the tally and in the alert windows of the connection's user. */
export function accountInbound(
  st: QualityState,
  decision: QualityVerdictBase,
  connection: Connection,
): void {
  st.tally.count('inbound', decision);
  st.monitor?.record(connection.userId, decision.verdict.verdict !== 'pass', st.clock.now());
}

/** Counts an outbound decision in the tally. */
export function accountOutbound(st: QualityState, decision: QualityVerdictBase): void {
  st.tally.count('outbound', decision);
}
