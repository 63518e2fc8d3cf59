import type { OptionKeys } from '@ws/core';
import { checkOptionKeys } from '@ws/core';
import type { Gate, GateDirection, GateInput, GateVerdict } from './gate.js';
import { isPromiseLike } from './internal/isPromiseLike.js';

/** Options of {@link customGate}. */
export interface CustomGateOptions {
  /**
   * The gate's name in metrics (a fixed, small set of names).
   * @default 'custom'
   */
  readonly name?: string;
  /**
   * Directions the gate runs in.
   * @default ['inbound', 'outbound']
   */
  readonly directions?: readonly GateDirection[];
}

/** Defaults of {@link customGate}. */
export const customGateDefaults = {
  name: 'custom',
  directions: ['inbound', 'outbound'],
} as const satisfies Required<CustomGateOptions>;

const customGateOptionKeys = {
  name: true,
  directions: true,
} as const satisfies OptionKeys<CustomGateOptions>;

/**
 * A gate from a function. `check` returns a verdict (or a promise of one); returning `undefined`
 * counts as `pass`. Throwing refuses the frame with `internal_error` and reports the error. An
 * unknown option key throws `WsError('invalid_options')` naming it.
 */
export function customGate(
  check: (input: GateInput) => GateVerdict | undefined | Promise<GateVerdict | undefined>,
  options: CustomGateOptions = {},
): Gate {
  checkOptionKeys<CustomGateOptions>(options, customGateOptionKeys, 'customGate options');
  const passed: GateVerdict = { verdict: 'pass' };
  return {
    name: options.name ?? customGateDefaults.name,
    directions: options.directions ?? customGateDefaults.directions,
    check(input) {
      const out = check(input);
      if (out === undefined) return passed;
      if (isPromiseLike(out)) return Promise.resolve(out).then((v) => v ?? passed);
      return out;
    },
  };
}
