import type { QualityHandle } from '../qualityHandle.js';
import { accountInbound, evaluate, inboundInput } from './evaluate.js';
import { broadcastAlert, sendToOperators } from './operators.js';
import type { QualityState } from './qualityState.js';
import type { QualitySummary } from './tally.js';

function summary(st: QualityState): QualitySummary {
  const now = st.clock.now();
  return st.tally.summary(st.monitor?.rejectRate(now), st.monitor?.active() ?? []);
}

/** What `manager.use(quality(...))` returns, over the plugin's state. */
export function createQualityHandle(st: QualityState): QualityHandle {
  return {
    async handleMessage(connection, frame) {
      const decision = await evaluate(st, st.inbound, inboundInput(st, connection, frame));
      accountInbound(st, decision, connection);
      return { ...decision.verdict, gate: decision.gate };
    },
    broadcastQualityUpdate(update) {
      return sendToOperators(st, {
        kind: 'quality:update',
        at: st.clock.now(),
        ...(update ?? summary(st)),
      });
    },
    broadcastQualityAlert: (alert) => broadcastAlert(st, alert),
    metrics: () => summary(st),
  };
}
