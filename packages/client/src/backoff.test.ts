import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test/fakeWebSocket.js';
import { backoffCeiling, backoffDefaults, backoffDelay } from './backoff.js';

describe('backoff with full jitter', () => {
  it('has a ceiling of min(max, min * factor^attempt)', () => {
    const o = { minMs: 100, maxMs: 5000, factor: 3 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffCeiling(n, o))).toEqual([
      100, 300, 900, 2700, 5000, 5000,
    ]);
    expect(backoffCeiling(0)).toBe(backoffDefaults.minMs);
    expect(backoffCeiling(100)).toBe(backoffDefaults.maxMs);
  });

  it('stays within [0, ceiling] for any options and randomness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, minMs, maxMs, factor, r) => {
          const d = backoffDelay(attempt, () => r, { minMs, maxMs, factor });
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(backoffCeiling(attempt, { minMs, maxMs, factor }));
          expect(Number.isInteger(d)).toBe(true);
        },
      ),
    );
  });

  it('spreads a herd of clients over the whole window (seeded)', () => {
    const random = seededRandom(2024);
    const ceiling = backoffCeiling(4);
    const delays = Array.from({ length: 1000 }, () => backoffDelay(4, random));
    const buckets = new Array<number>(10).fill(0);
    for (const d of delays) buckets[Math.min(9, Math.floor((d / ceiling) * 10))]! += 1;
    // Uniform: every tenth of the window gets 100 +- 50 of the 1000 clients.
    for (const b of buckets) {
      expect(b).toBeGreaterThan(50);
      expect(b).toBeLessThan(150);
    }
    expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
  });
});
