import type { Clock, OptionKeys } from '@ws/core';
import type { ConfigChange, DashboardConfig } from './config.js';

/** Options of `createDashboard` / the `dashboard` plugin. */
export interface DashboardOptions {
  /**
   * The initial configuration (an object, or the JSON text `exportConfig()` wrote). Validated:
   * a bad one throws the same errors as `importConfig`.
   * @default defaultDashboardConfig
   */
  readonly config?: DashboardConfig | string;
  /**
   * How often the registry is sampled for time series and rates, in ms (one timer).
   * @default 1000
   */
  readonly sampleIntervalMs?: number;
  /**
   * Samples kept (a ring buffer): time series reach back `historySize * sampleIntervalMs`.
   * @default 600
   */
  readonly historySize?: number;
  /**
   * Time and timers.
   * @default the manager's clock
   */
  readonly clock?: Clock;
  /**
   * Called after each accepted configuration change (also emitted on the manager as
   * `dashboard:config`).
   * @default none
   */
  readonly onConfigChange?: (change: ConfigChange) => void;
}

/** Defaults of {@link DashboardOptions}. */
export const dashboardDefaults = Object.freeze({
  sampleIntervalMs: 1000,
  historySize: 600,
});

/**
 * The known keys of {@link DashboardOptions}. `config` is checked by the config validation
 * (unknown keys there are `invalid_config` issues), `clock` is passed through.
 */
export const dashboardOptionKeys = {
  config: true,
  sampleIntervalMs: true,
  historySize: true,
  clock: true,
  onConfigChange: true,
} as const satisfies OptionKeys<DashboardOptions>;
