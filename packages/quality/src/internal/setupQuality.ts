import type { PluginContext } from '@ws/core';
import { WsError } from '@ws/core';
import type { QualityHandle } from '../qualityHandle.js';
import { createAlertMonitor } from './alertMonitor.js';
import { notifyAlert, startAlertTimer } from './alertWiring.js';
import { createQualityHandle } from './handle.js';
import { installInboundGates } from './inboundGates.js';
import { installOutboundGates } from './outboundGates.js';
import type { QualityConfig } from './qualityState.js';
import { createQualityState } from './qualityState.js';

/** The quality plugin's `setup`: metrics, alerts, both gate chains, and the handle. */
export function setupQuality(ctx: PluginContext, config: QualityConfig): QualityHandle {
  if (ctx.metrics.has('ws_quality_passes_total')) {
    throw new WsError('invalid_options', 'quality is already installed on this manager');
  }
  const alerts = config.options.alerts;
  // The monitor calls back only from `evaluate` (a timer tick), after `st` exists.
  const monitor =
    alerts === false
      ? undefined
      : createAlertMonitor(alerts ?? {}, (alert) => {
          notifyAlert(st, alert);
        });
  const st = createQualityState({ ctx, config, monitor });
  if (monitor !== undefined) startAlertTimer(st, monitor);
  if (config.inbound.length > 0) installInboundGates(st);
  if (config.outbound.length > 0) installOutboundGates(st);
  return createQualityHandle(st);
}
