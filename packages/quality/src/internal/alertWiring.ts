import type { QualityAlert } from '../alerts.js';
import { alertDefaults } from '../alerts.js';
import type { AlertMonitor } from './alertMonitor.js';
import { broadcastAlert } from './operators.js';
import type { QualityState } from './qualityState.js';

/**
 * One alert or recovery from the monitor: counted, emitted (`quality:alert`, `quality:recovery`)
 * and, with an operators' thread and `broadcastAlerts` on, sent there (a failure goes to `onError`).
 */
export function notifyAlert(st: QualityState, alert: QualityAlert): void {
  const { ctx } = st;
  if (alert.state === 'firing') {
    st.metrics.alert(alert.alert);
    ctx.emit('quality:alert', alert);
  } else {
    ctx.emit('quality:recovery', alert);
  }
  if (st.config.operators !== undefined && st.config.options.broadcastAlerts !== false) {
    broadcastAlert(st, alert).then(
      (r) => {
        if (r.error !== undefined) ctx.onError(r.error, { stage: 'broadcast-alert' });
      },
      (err: unknown) => ctx.onError(err, { stage: 'broadcast-alert' }),
    );
  }
}

/** Evaluates the alert thresholds every `evaluateEveryMs` until the manager closes. */
export function startAlertTimer(st: QualityState, monitor: AlertMonitor): void {
  const { ctx, clock } = st;
  const alerts = st.config.options.alerts;
  const every =
    (alerts === false ? undefined : alerts?.evaluateEveryMs) ?? alertDefaults.evaluateEveryMs;
  const timer = clock.setInterval(() => {
    try {
      monitor.evaluate(clock.now());
    } catch (err) {
      ctx.onError(err, { stage: 'alerts' });
    }
  }, every);
  ctx.onClose(() => {
    clock.clear(timer);
  });
}
