/**
 * A fixed-rate pacer shared by the runner (HTTP requests) and the server (in-process publishes),
 * so every scenario is driven by the same loop. Node timers fire at 1 ms granularity at best, so
 * at 1,000/s each timer turn sends every send that is due (usually one, two after a late timer):
 * the average rate is exact and no send waits more than a timer turn behind its schedule.
 */

export interface PaceOptions {
  /** Sends in all. */
  readonly count: number;
  readonly perSecond: number;
  /** Stop sending (what is left is not sent) once this many ms passed. */
  readonly deadlineMs: number;
}

export interface PaceResult {
  readonly sent: number;
  /** Achieved rate: sends per second between the first send and the last. */
  readonly perSecond: number;
  /** Largest delay of a send behind its schedule, in ms. */
  readonly maxLateMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Calls `send(k)` for k = 0 .. count - 1 at `perSecond`, bounded by `deadlineMs`. */
export async function pace(o: PaceOptions, send: (k: number) => void): Promise<PaceResult> {
  const intervalMs = 1000 / o.perSecond;
  const start = performance.now();
  let k = 0;
  let maxLateMs = 0;
  let lastAt = start;
  while (k < o.count) {
    const now = performance.now();
    if (now - start > o.deadlineMs) break;
    for (; k < o.count && start + k * intervalMs <= now; k++) {
      maxLateMs = Math.max(maxLateMs, now - (start + k * intervalMs));
      send(k);
      lastAt = now;
    }
    if (k < o.count) await sleep(Math.max(0, start + k * intervalMs - performance.now()));
  }
  const spanS = (lastAt - start) / 1000;
  return { sent: k, perSecond: k > 1 && spanS > 0 ? (k - 1) / spanS : Number.NaN, maxLateMs };
}
