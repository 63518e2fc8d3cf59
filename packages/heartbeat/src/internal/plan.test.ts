import { describe, expect, it } from 'vitest';
import { planTicks } from './plan.js';

describe('planTicks', () => {
  it.each([
    // interval, timeout -> tick, buckets, checkAfter, stall threshold
    [25_000, 20_000, 1000, 25, 20, 5000],
    [30_000, 30_000, 1000, 30, 30, 7500],
    [1_000, 500, 125, 8, 4, 125],
    [1_000, 400, 100, 10, 4, 100],
    [200, 100, 25, 8, 4, 25],
    [200, 150, 40, 5, 4, 40],
    [10, 5, 1.25, 8, 4, 1.25],
  ])(
    'interval %i / timeout %i: tick %d ms, %i buckets, judged %i ticks after the ping',
    (interval, timeout, tick, buckets, checkAfter, stall) => {
      expect(planTicks(interval, timeout)).toEqual({
        tickMs: tick,
        buckets,
        checkAfter,
        stallThresholdMs: stall,
      });
    },
  );

  it('the judgement never comes before the timeout, nor more than one tick after it', () => {
    for (const [interval, timeout] of [
      [25_000, 20_000],
      [1_000, 350],
      [999, 333],
      [200, 199],
      [60_000, 7],
      [2_147_483_647, 1000],
    ] as const) {
      const p = planTicks(interval, timeout);
      expect(p.tickMs * p.buckets).toBeCloseTo(interval, 6);
      expect(p.checkAfter).toBeLessThanOrEqual(p.buckets);
      expect(p.checkAfter * p.tickMs).toBeGreaterThanOrEqual(timeout - 1e-6);
      expect(p.buckets).toBeLessThanOrEqual(4096);
      if (p.buckets < 4096) expect(p.checkAfter * p.tickMs).toBeLessThan(timeout + p.tickMs);
    }
  });
});
