import type { Clock, TimerHandle } from '../clock.js';

/** A clock that moves only when told: deterministic tests without global fake timers. */
export interface ManualClock extends Clock {
  /** Moves time forward, running due timers in order (and timers they schedule). */
  advance(ms: number): void;
  /** Timers still pending. */
  pending(): number;
}

interface Timer {
  at: number;
  every: number | undefined;
  fn: () => void;
  id: number;
}

/** Creates a {@link ManualClock} starting at `start` ms. */
export function createManualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, Timer>();
  const add = (fn: () => void, ms: number, every: number | undefined): TimerHandle => {
    const id = ++nextId;
    timers.set(id, { at: now + Math.max(0, ms), every, fn, id });
    return { id };
  };
  return {
    now: () => now,
    setTimeout: (fn, ms) => add(fn, ms, undefined),
    setInterval: (fn, ms) => add(fn, ms, Math.max(1, ms)),
    clear(handle) {
      timers.delete((handle as { id: number }).id);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let due: Timer | undefined;
        for (const t of timers.values())
          if (t.at <= target && (due === undefined || t.at < due.at)) due = t;
        if (due === undefined) break;
        now = due.at;
        if (due.every === undefined) timers.delete(due.id);
        else due.at += due.every;
        due.fn();
      }
      now = target;
    },
    pending: () => timers.size,
  };
}
