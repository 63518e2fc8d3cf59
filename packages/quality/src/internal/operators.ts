import type { SendResult } from '@ws/core';
import { WsError } from '@ws/core';
import type { QualityAlert } from '../alerts.js';
import type { QualityState } from './qualityState.js';

const noThread = (): SendResult => ({
  ok: false,
  delivered: 0,
  published: false,
  failedRemote: false,
  dropped: {},
  error: new WsError('invalid_options', 'quality: no operatorsThread configured'),
});

/** Sends to the operators' thread; a failed result when none is configured. */
export async function sendToOperators(
  st: QualityState,
  data: Record<string, unknown>,
): Promise<SendResult> {
  const { operators } = st.config;
  if (operators === undefined) return noThread();
  return st.ctx.manager.sendToThread(operators, data);
}

/** Sends `{ kind: 'quality:alert', ...alert }` to the operators' thread. */
export function broadcastAlert(st: QualityState, alert: QualityAlert): Promise<SendResult> {
  return sendToOperators(st, { kind: 'quality:alert', ...alert });
}
