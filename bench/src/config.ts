/** Sizes of every scenario, full (`pnpm bench`) and quick (`pnpm bench --quick`). */
import type { FanoutSpec, IdleSpec, TargetedSpec } from './scenarios.js';

export interface Sizes {
  readonly reps: number;
  /**
   * More repetitions for scenarios whose targets sit inside the machine's +-10-15 % noise and
   * that are short enough to repeat within the 10-minute budget.
   */
  readonly repsFor: Readonly<Record<string, number>>;
  readonly fanoutSmall: FanoutSpec;
  readonly fanoutLarge: FanoutSpec;
  readonly targeted: TargetedSpec;
  readonly idle: IdleSpec;
  readonly cross: FanoutSpec;
  /** Hard limit of the whole run; past it the runner kills everything and exits 1. */
  readonly deadlineMs: number;
}

export const fullSizes: Sizes = {
  reps: 3,
  repsFor: { 'fanout-small': 5, targeted: 5 },
  fanoutSmall: { clients: 1000, pacedRate: 20, pacedMessages: 30, burstMessages: 150, window: 32 },
  fanoutLarge: { clients: 5000, pacedRate: 2, pacedMessages: 4, burstMessages: 24, window: 8 },
  targeted: { users: 1000, messages: 30_000, window: 256 },
  idle: { connections: 10_000, heartbeatWindowMs: 20_000, heartbeatIntervalMs: 1000 },
  cross: { clients: 1000, pacedRate: 20, pacedMessages: 20, burstMessages: 150, window: 32 },
  deadlineMs: 20 * 60_000,
};

export const quickSizes: Sizes = {
  reps: 1,
  repsFor: {},
  fanoutSmall: { clients: 200, pacedRate: 20, pacedMessages: 10, burstMessages: 50, window: 16 },
  fanoutLarge: { clients: 500, pacedRate: 10, pacedMessages: 5, burstMessages: 20, window: 8 },
  targeted: { users: 200, messages: 5000, window: 128 },
  idle: { connections: 1000, heartbeatWindowMs: 2000, heartbeatIntervalMs: 1000 },
  cross: { clients: 200, pacedRate: 20, pacedMessages: 5, burstMessages: 50, window: 16 },
  deadlineMs: 4 * 60_000,
};
