import type { UserId } from '@ws/core';
import { WsError } from '@ws/core';
import type { AlertOptions, QualityAlert } from '../alerts.js';
import { alertDefaults } from '../alerts.js';
import type { SlidingWindow } from './slidingWindow.js';
import { createSlidingWindow } from './slidingWindow.js';

const MINUTE = 60_000;
const USER_SLOT_MS = 10_000;

/** Records inbound outcomes and turns threshold crossings into one alert and one recovery each. */
export interface AlertMonitor {
  /** One inbound frame evaluated; `refused` for reject and close verdicts. */
  record(userId: UserId, refused: boolean, now: number): void;
  /** Checks every threshold; calls `notify` once per state change. */
  evaluate(now: number): void;
  /** Alerts currently firing. */
  active(): readonly QualityAlert[];
  /** The inbound reject rate over the rate window (0 with no frames). */
  rejectRate(now: number): {
    readonly rate: number;
    readonly frames: number;
    readonly windowMs: number;
  };
  /** Users currently tracked (for tests and the bound). */
  trackedUsers(): number;
}

interface UserEntry {
  readonly window: SlidingWindow;
  firing: QualityAlert | undefined;
}

function positive(value: number, what: string): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new WsError('invalid_options', `quality alerts: ${what} must be > 0`);
  return value;
}

/** Creates the alert state of one plugin instance. */
export function createAlertMonitor(
  options: AlertOptions,
  notify: (alert: QualityAlert) => void,
): AlertMonitor {
  const every = positive(
    options.evaluateEveryMs ?? alertDefaults.evaluateEveryMs,
    'evaluateEveryMs',
  );
  const rateOpts =
    options.rejectRate === false
      ? undefined
      : { ...alertDefaults.rejectRate, ...options.rejectRate };
  const userOpts =
    options.userRejects === false
      ? undefined
      : { ...alertDefaults.userRejects, ...options.userRejects };

  const rate = rateOpts && {
    threshold: positive(rateOpts.threshold, 'rejectRate.threshold'),
    windowMs: positive(rateOpts.windowMs, 'rejectRate.windowMs'),
    minFrames: Math.max(1, rateOpts.minFrames),
    clearBelow: rateOpts.clearBelow ?? rateOpts.threshold / 2,
  };
  const user = userOpts && {
    perMinute: positive(userOpts.perMinute, 'userRejects.perMinute'),
    clearBelow: userOpts.clearBelow ?? Math.floor(userOpts.perMinute / 2),
    maxActive: Math.floor(positive(userOpts.maxActive, 'userRejects.maxActive')),
    maxUsers: Math.floor(positive(userOpts.maxUsers, 'userRejects.maxUsers')),
  };
  // Series 0: frames, series 1: refused frames.
  const frames = createSlidingWindow(rate?.windowMs ?? every, every, 2);
  let rateFiring: QualityAlert | undefined;
  // Insertion order is recency order: a refused user is re-inserted at the end.
  const users = new Map<UserId, UserEntry>();

  const track = (userId: UserId): UserEntry | undefined => {
    if (user === undefined) return undefined;
    let entry = users.get(userId);
    if (entry !== undefined) {
      users.delete(userId);
      users.set(userId, entry);
      return entry;
    }
    if (users.size >= user.maxUsers) {
      let victim: UserId | undefined;
      for (const [id, e] of users) {
        if (e.firing === undefined) {
          victim = id;
          break;
        }
      }
      if (victim === undefined) return undefined; // every tracked user is alerting: stay bounded
      users.delete(victim);
    }
    entry = { window: createSlidingWindow(MINUTE, USER_SLOT_MS), firing: undefined };
    users.set(userId, entry);
    return entry;
  };

  const rateNow = (now: number) => {
    const [total = 0, refused = 0] = frames.sums(now);
    return {
      rate: total === 0 ? 0 : refused / total,
      frames: total,
      windowMs: rate?.windowMs ?? 0,
    };
  };

  return {
    record(userId, refused, now) {
      if (rate !== undefined) frames.add(now, 1, refused ? 1 : 0);
      if (refused) track(userId)?.window.add(now, 1);
    },

    evaluate(now) {
      if (rate !== undefined) {
        const r = rateNow(now);
        if (rateFiring === undefined && r.frames >= rate.minFrames && r.rate > rate.threshold) {
          rateFiring = {
            alert: 'reject_rate',
            state: 'firing',
            at: now,
            value: r.rate,
            threshold: rate.threshold,
            windowMs: rate.windowMs,
          };
          notify(rateFiring);
        } else if (
          rateFiring !== undefined &&
          (r.frames < rate.minFrames || r.rate <= rate.clearBelow)
        ) {
          rateFiring = undefined;
          notify({
            alert: 'reject_rate',
            state: 'resolved',
            at: now,
            value: r.rate,
            threshold: rate.threshold,
            windowMs: rate.windowMs,
          });
        }
      }
      if (user === undefined) return;
      let firing = 0;
      for (const e of users.values()) if (e.firing !== undefined) firing++;
      for (const [userId, entry] of users) {
        const [count = 0] = entry.window.sums(now);
        if (entry.firing === undefined && count > user.perMinute && firing < user.maxActive) {
          firing++;
          entry.firing = {
            alert: 'user_rejects',
            state: 'firing',
            at: now,
            value: count,
            threshold: user.perMinute,
            windowMs: MINUTE,
            userId,
          };
          notify(entry.firing);
        } else if (entry.firing !== undefined && count <= user.clearBelow) {
          entry.firing = undefined;
          firing--;
          notify({
            alert: 'user_rejects',
            state: 'resolved',
            at: now,
            value: count,
            threshold: user.perMinute,
            windowMs: MINUTE,
            userId,
          });
        }
        if (entry.firing === undefined && count === 0) users.delete(userId);
      }
    },

    active() {
      const out: QualityAlert[] = [];
      if (rateFiring !== undefined) out.push(rateFiring);
      for (const e of users.values()) if (e.firing !== undefined) out.push(e.firing);
      return out;
    },

    rejectRate: rateNow,
    trackedUsers: () => users.size,
  };
}
