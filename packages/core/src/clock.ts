/** An opaque timer handle from a {@link Clock}. */
export type TimerHandle = { readonly __timer: true } | object;

/**
 * Time and timers, injectable so tests stay deterministic. Every timer a clock creates must not
 * keep the process alive (`unref()`), and every one is cleared when its owner closes.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

interface NodeTimer {
  unref?(): unknown;
}

/**
 * The real clock: `Date.now` and the global timers, looked up at call time (so test fake timers
 * apply), each timer `unref()`'d.
 */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const t = setTimeout(fn, ms) as unknown as NodeTimer;
      t.unref?.();
      return t;
    },
    setInterval(fn, ms) {
      const t = setInterval(fn, ms) as unknown as NodeTimer;
      t.unref?.();
      return t;
    },
    clear(handle) {
      clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
      clearInterval(handle as Parameters<typeof clearInterval>[0]);
    },
  };
}
