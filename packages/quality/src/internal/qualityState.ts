import type { Clock, PluginContext, ThreadId } from '@ws/core';
import type { Gate } from '../gate.js';
import type { QualityOptions } from '../qualityOptions.js';
import type { AlertMonitor } from './alertMonitor.js';
import type { QualityMetrics } from './qualityMetrics.js';
import { registerQualityMetrics } from './qualityMetrics.js';
import type { GateChain } from './runGates.js';
import type { Tally } from './tally.js';
import { createTally } from './tally.js';

/** What `quality()` checked and resolved from its options, before any manager. */
export interface QualityConfig {
  /** The options as given (`alerts` and `broadcastAlerts` are read from here). */
  readonly options: QualityOptions;
  readonly inbound: readonly Gate[];
  readonly outbound: readonly Gate[];
  readonly operators: ThreadId | undefined;
  readonly closeCode: number;
}

/** The state of one quality plugin on one manager: every part of the wiring takes this object. */
export interface QualityState {
  readonly ctx: PluginContext;
  readonly clock: Clock;
  readonly config: QualityConfig;
  readonly tally: Tally;
  readonly monitor: AlertMonitor | undefined;
  readonly metrics: QualityMetrics;
  readonly inbound: GateChain;
  readonly outbound: GateChain;
}

/** What {@link createQualityState} is given: the context, the config and the alert monitor (or none). */
export interface QualityStateParts {
  readonly ctx: PluginContext;
  readonly config: QualityConfig;
  readonly monitor: AlertMonitor | undefined;
}

/** Registers the plugin's metrics and binds the two gate chains to them. */
export function createQualityState(parts: QualityStateParts): QualityState {
  const { ctx, config, monitor } = parts;
  const metrics = registerQualityMetrics(ctx.metrics, () => monitor?.active().length ?? 0);
  return {
    ctx,
    clock: ctx.clock,
    config,
    tally: createTally(),
    monitor,
    metrics,
    inbound: { gates: config.inbound, metrics },
    outbound: { gates: config.outbound, metrics },
  };
}
