import type { GateInput } from '../gate.js';
import { accountOutbound, evaluate, reportFor } from './evaluate.js';
import { isPromiseLike } from './isPromiseLike.js';
import type { QualityState } from './qualityState.js';
import type { QualityVerdictBase } from './runGates.js';

/**
 * Puts the outbound gates in core's outbound chain: a message that is not passed is not sent
 * (core counts it as dropped, `filtered`). Messages to the operators' thread skip the gates.
 */
export function installOutboundGates(st: QualityState): void {
  const { operators } = st.config;
  st.ctx.outbound((target, frame, next) => {
    if (operators !== undefined && target.kind === 'thread' && target.threadId === operators)
      return next();
    const apply = (decision: QualityVerdictBase): void | Promise<void> => {
      accountOutbound(st, decision);
      // reject and close both mean: not sent (core counts it as dropped, `filtered`).
      if (decision.verdict.verdict === 'pass') return next();
    };
    const input: GateInput = {
      direction: 'outbound',
      target,
      frame,
      now: st.clock.now(),
      reportError: reportFor(st, undefined),
    };
    const decision = evaluate(st, st.outbound, input);
    return isPromiseLike(decision) ? decision.then(apply) : apply(decision);
  });
}
