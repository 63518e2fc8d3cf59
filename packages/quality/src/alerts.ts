import type { OptionKeys, UserId } from '@ws/core';
import { checkOptionKeys } from '@ws/core';
import { checkKeysUnlessFalse } from './internal/checkKeys.js';

/** The kinds of alert: the inbound reject rate, or one user's rejects per minute. */
export type QualityAlertKind = 'reject_rate' | 'user_rejects';

/** An alert, as emitted (`quality:alert` when firing, `quality:recovery` when resolved). */
export interface QualityAlert {
  readonly alert: QualityAlertKind;
  readonly state: 'firing' | 'resolved';
  /** When the alert fired or resolved (manager clock, ms since the epoch). */
  readonly at: number;
  /** The measured value: a rate (0..1) for `reject_rate`, a count for `user_rejects`. */
  readonly value: number;
  /** The threshold it was compared with. */
  readonly threshold: number;
  /** The window the value covers, in ms. */
  readonly windowMs: number;
  /** The user, for `user_rejects`. */
  readonly userId?: UserId;
}

/** The reject-rate alert: fires when refused inbound frames exceed `threshold` of all over the window. */
export interface RejectRateAlertOptions {
  /**
   * Fires above this fraction (0..1) of refused inbound frames.
   * @default 0.05
   */
  readonly threshold?: number;
  /**
   * The sliding window, in ms.
   * @default 30000
   */
  readonly windowMs?: number;
  /**
   * Frames the window must hold before the rate means anything.
   * @default 20
   */
  readonly minFrames?: number;
  /**
   * Resolves at or below this fraction (hysteresis: no flapping around the threshold), or when
   * the window holds fewer than `minFrames`.
   * @default threshold / 2
   */
  readonly clearBelow?: number;
}

/** The per-user alert: fires when one user's refused frames in the last minute exceed `perMinute`. */
export interface UserRejectsAlertOptions {
  /**
   * Fires above this many refused frames of one user in a minute.
   * @default 30
   */
  readonly perMinute?: number;
  /**
   * Resolves at or below this many in the last minute.
   * @default floor(perMinute / 2)
   */
  readonly clearBelow?: number;
  /**
   * Per-user alerts firing at once at most: past it, more breaching users raise no alert of their
   * own (the reject-rate alert covers a broad attack), so a botnet cannot cause an alert storm.
   * @default 20
   */
  readonly maxActive?: number;
  /**
   * Users tracked at once (only users with recent rejects are tracked). Past it the least recently
   * refused user without an active alert is forgotten: memory stays bounded.
   * @default 1000
   */
  readonly maxUsers?: number;
}

/** Options of the alerts. */
export interface AlertOptions {
  /**
   * How often the one alert timer evaluates the thresholds, in ms (also the windows' resolution).
   * @default 1000
   */
  readonly evaluateEveryMs?: number;
  /**
   * The reject-rate alert; `false` for none.
   * @default {}
   */
  readonly rejectRate?: RejectRateAlertOptions | false;
  /**
   * The per-user alert; `false` for none.
   * @default {}
   */
  readonly userRejects?: UserRejectsAlertOptions | false;
}

/** Defaults of the alerts. */
export const alertDefaults = {
  evaluateEveryMs: 1000,
  rejectRate: { threshold: 0.05, windowMs: 30_000, minFrames: 20 },
  userRejects: { perMinute: 30, maxActive: 20, maxUsers: 1000 },
} as const;

const alertOptionKeys = {
  evaluateEveryMs: true,
  rejectRate: true,
  userRejects: true,
} as const satisfies OptionKeys<AlertOptions>;

const rejectRateKeys = {
  threshold: true,
  windowMs: true,
  minFrames: true,
  clearBelow: true,
} as const satisfies OptionKeys<RejectRateAlertOptions>;

const userRejectsKeys = {
  perMinute: true,
  clearBelow: true,
  maxActive: true,
  maxUsers: true,
} as const satisfies OptionKeys<UserRejectsAlertOptions>;

/**
 * Refuses unknown keys of the `alerts` option and of its `rejectRate` and `userRejects` objects
 * (`WsError('invalid_options')`, the message naming `where` and the path); `false` passes.
 */
export function checkAlertOptionKeys(
  alerts: AlertOptions | false | undefined,
  where: string,
): void {
  if (alerts === false || alerts === undefined) return;
  checkOptionKeys<AlertOptions>(alerts, alertOptionKeys, where);
  checkKeysUnlessFalse(alerts.rejectRate, rejectRateKeys, `${where}.rejectRate`);
  checkKeysUnlessFalse(alerts.userRejects, userRejectsKeys, `${where}.userRejects`);
}
