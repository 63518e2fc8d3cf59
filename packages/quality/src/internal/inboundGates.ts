import { isPromiseLike } from './isPromiseLike.js';
import { accountInbound, evaluate, inboundInput } from './evaluate.js';
import type { QualityState } from './qualityState.js';
import type { QualityVerdictBase } from './runGates.js';

/**
 * Puts the inbound gates in core's inbound chain: a passed frame goes on, a refused one is
 * answered with an `error` frame (`connection.reject`), a `close` verdict closes the connection.
 */
export function installInboundGates(st: QualityState): void {
  const { closeCode } = st.config;
  st.ctx.inbound((connection, frame, next) => {
    const apply = (decision: QualityVerdictBase): void | Promise<void> => {
      accountInbound(st, decision, connection);
      const v = decision.verdict;
      switch (v.verdict) {
        case 'pass':
          return next();
        case 'reject':
          connection.reject(v.code, v.message, 'id' in frame ? frame.id : undefined);
          return;
        case 'close':
          connection.close(
            v.code ?? closeCode,
            v.reason ?? `closed by quality gate "${decision.gate ?? ''}"`,
          );
          return;
      }
    };
    const decision = evaluate(st, st.inbound, inboundInput(st, connection, frame));
    return isPromiseLike(decision) ? decision.then(apply) : apply(decision);
  });
}
