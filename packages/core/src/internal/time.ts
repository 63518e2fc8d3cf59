import type { ManagerState } from './state.js';

/** The largest relative time kept as a small integer (about 12 days of milliseconds). */
const SMALL = 0x3fff_ffff;

/**
 * `at` as ms since the manager's `timeOrigin`. A whole number in range comes back as an int32
 * (`| 0`), which V8 stores unboxed in an object field; a subtraction of two epoch times would
 * give a heap number, and a record field holding one costs 16 bytes more per connection. Past the
 * range (or with a fractional clock) the plain difference is kept: same values, just boxed.
 */
export function relativeTime(state: ManagerState, at: number): number {
  const rel = at - state.timeOrigin;
  return rel >= 0 && rel <= SMALL && rel === Math.floor(rel) ? rel | 0 : rel;
}
