import { WsError, isWireErrorCode } from '@ws/core';
import type { Gate, GateInput, GateVerdict } from '../gate.js';
import { isPromiseLike } from './isPromiseLike.js';
import type { QualityMetrics } from './qualityMetrics.js';

/** The chain's outcome: the first verdict that is not `pass` (and its gate), or `pass`. */
export interface QualityVerdictBase {
  readonly verdict: GateVerdict;
  /** The gate that refused or closed; undefined when every gate passed. */
  readonly gate: string | undefined;
}

const passed: QualityVerdictBase = Object.freeze({
  verdict: Object.freeze({ verdict: 'pass' }),
  gate: undefined,
});

const failedVerdict: GateVerdict = Object.freeze({
  verdict: 'reject',
  code: 'internal_error',
  message: 'the server failed to check this frame',
});

function validVerdict(v: unknown): v is GateVerdict {
  if (typeof v !== 'object' || v === null) return false;
  const verdict = (v as { verdict?: unknown }).verdict;
  if (verdict === 'pass') return true;
  if (verdict === 'close') {
    const code = (v as { code?: unknown }).code;
    return code === undefined || (typeof code === 'number' && Number.isInteger(code));
  }
  if (verdict !== 'reject') return false;
  const { code, message } = v as { code?: unknown; message?: unknown };
  return typeof code === 'string' && isWireErrorCode(code) && typeof message === 'string';
}

const elapsed = (started: number): number => (performance.now() - started) / 1000;

/** The gates of one direction and the metrics they count in, bound once at setup. */
export interface GateChain {
  readonly gates: readonly Gate[];
  readonly metrics: QualityMetrics;
}

/**
 * Runs `chain.gates` in order until one does not pass. Sync gates keep the whole run sync. A gate that
 * throws, rejects or returns something that is not a verdict refuses the frame with
 * `internal_error` and is reported through `report`. Every gate's outcome goes to the metrics.
 */
export function runGates(
  chain: GateChain,
  input: GateInput,
  report: (err: unknown, gate: Gate) => void,
): QualityVerdictBase | Promise<QualityVerdictBase> {
  const { gates, metrics } = chain;
  const { direction } = input;

  const settle = (gate: Gate, started: number, out: unknown): QualityVerdictBase | undefined => {
    if (!validVerdict(out)) {
      return fail(
        gate,
        started,
        new WsError('internal_error', `gate "${gate.name}" returned an invalid verdict`),
      );
    }
    switch (out.verdict) {
      case 'pass':
        metrics.pass(gate.name, direction, elapsed(started));
        return undefined;
      case 'reject':
        metrics.reject({ gate: gate.name, direction, code: out.code }, elapsed(started));
        return { verdict: out, gate: gate.name };
      case 'close':
        metrics.close(gate.name, direction, elapsed(started));
        return { verdict: out, gate: gate.name };
    }
  };
  const fail = (gate: Gate, started: number, err: unknown): QualityVerdictBase => {
    report(err, gate);
    metrics.reject({ gate: gate.name, direction, code: 'internal_error' }, elapsed(started));
    return { verdict: failedVerdict, gate: gate.name };
  };

  const from = (i: number): QualityVerdictBase | Promise<QualityVerdictBase> => {
    for (; i < gates.length; i++) {
      const gate = gates[i] as Gate;
      const started = performance.now();
      let out: unknown;
      try {
        out = gate.check(input);
      } catch (err) {
        return fail(gate, started, err);
      }
      if (isPromiseLike(out)) {
        const next = i + 1;
        return Promise.resolve(out).then(
          (v) => settle(gate, started, v) ?? from(next),
          (err: unknown) => fail(gate, started, err),
        );
      }
      const decided = settle(gate, started, out);
      if (decided !== undefined) return decided;
    }
    return passed;
  };
  return from(0);
}
