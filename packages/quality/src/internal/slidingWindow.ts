/** Counts of one or more series over the last `windowMs`, in fixed slots: bounded memory. */
export interface SlidingWindow {
  /** Adds `values[i]` to series i at time `now`. */
  add(now: number, ...values: number[]): void;
  /** Each series' sum over the window ending at `now`. */
  sums(now: number): number[];
  /** True when nothing was counted in the window ending at `now`. */
  isEmpty(now: number): boolean;
}

const MAX_SLOTS = 600;

/**
 * A ring of `ceil(windowMs / slotMs)` slots (at most 600; slots widen past that). Counts older
 * than the window fall out slot by slot, so the window slides with `slotMs` resolution.
 */
export function createSlidingWindow(windowMs: number, slotMs: number, series = 1): SlidingWindow {
  let width = Math.max(1, Math.floor(slotMs));
  if (Math.ceil(windowMs / width) > MAX_SLOTS) width = Math.ceil(windowMs / MAX_SLOTS);
  const n = Math.max(1, Math.ceil(windowMs / width));
  const slotOf = new Array<number>(n).fill(-1);
  const counts = Array.from({ length: series }, () => new Array<number>(n).fill(0));

  const live = (slot: number, current: number): boolean => slot > current - n && slot <= current;

  return {
    add(now, ...values) {
      const slot = Math.floor(now / width);
      const i = slot % n;
      if (slotOf[i] !== slot) {
        slotOf[i] = slot;
        for (const c of counts) c[i] = 0;
      }
      for (let s = 0; s < series; s++)
        (counts[s] as number[])[i] = ((counts[s] as number[])[i] as number) + (values[s] ?? 0);
    },
    sums(now) {
      const current = Math.floor(now / width);
      const out = new Array<number>(series).fill(0);
      for (let i = 0; i < n; i++) {
        if (!live(slotOf[i] as number, current)) continue;
        for (let s = 0; s < series; s++)
          out[s] = (out[s] as number) + ((counts[s] as number[])[i] as number);
      }
      return out;
    },
    isEmpty(now) {
      const current = Math.floor(now / width);
      for (let i = 0; i < n; i++) {
        if (live(slotOf[i] as number, current) && counts.some((c) => c[i] !== 0)) return false;
      }
      return true;
    },
  };
}
