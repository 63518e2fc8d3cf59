import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOffsets, isOffset, maxOffset } from './offsets.js';
import type { Offset } from './ids.js';

describe('compareOffsets', () => {
  it('orders by major then minor, numerically, at any length', () => {
    expect(compareOffsets('1-0', '2-0')).toBeLessThan(0);
    expect(compareOffsets('10-0', '9-99')).toBeGreaterThan(0);
    expect(compareOffsets('5-10', '5-9')).toBeGreaterThan(0);
    expect(compareOffsets('5-0', '5')).toBe(0);
    expect(compareOffsets('007-1', '7-1')).toBe(0);
    expect(compareOffsets('18446744073709551616-0', '18446744073709551615-9')).toBeGreaterThan(0);
  });

  it('agrees with BigInt comparison on random stream ids', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        (a, b, c, d) => {
          const expected = a === c ? Math.sign(Number(b - d)) : Math.sign(Number(a - c));
          expect(Math.sign(compareOffsets(`${a}-${b}`, `${c}-${d}`))).toBe(expected);
        },
      ),
    );
  });

  it('validates offset shapes and picks the later', () => {
    expect(isOffset('1700000000000-5')).toBe(true);
    expect(isOffset('12')).toBe(true);
    expect(isOffset('1-')).toBe(false);
    expect(isOffset('abc')).toBe(false);
    expect(isOffset(12)).toBe(false);
    expect(maxOffset('3-1' as Offset, '2-9' as Offset)).toBe('3-1');
  });
});
