import { compareOffsets as coreCompare } from '@ws/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOffsets } from './offsets.js';

const digits = fc.oneof(
  fc.stringMatching(/^[0-9]{1,25}$/),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
  fc.constantFrom('0', '00', '007', '18446744073709551615', '18446744073709551616'),
);
const offset = fc.oneof(
  digits,
  fc.tuple(digits, digits).map(([a, b]) => `${a}-${b}`),
);

describe('compareOffsets (the client copy)', () => {
  it('agrees with @ws/core on every pair (sign of the result)', () => {
    fc.assert(
      fc.property(offset, offset, (a, b) => {
        expect(Math.sign(compareOffsets(a, b))).toBe(Math.sign(coreCompare(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders as two unsigned integers of any length', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 80n }),
        fc.bigInt({ min: 0n, max: 2n ** 80n }),
        fc.bigInt({ min: 0n, max: 2n ** 80n }),
        fc.bigInt({ min: 0n, max: 2n ** 80n }),
        (a, b, c, d) => {
          const expected = a !== c ? (a < c ? -1 : 1) : b !== d ? (b < d ? -1 : 1) : 0;
          expect(Math.sign(compareOffsets(`${a}-${b}`, `${c}-${d}`))).toBe(expected);
        },
      ),
    );
  });

  it('handles the edge cases', () => {
    expect(compareOffsets('1-2', '1-10')).toBeLessThan(0);
    expect(compareOffsets('10-0', '9-99')).toBeGreaterThan(0);
    expect(compareOffsets('5', '5-0')).toBe(0);
    expect(compareOffsets('007-1', '7-1')).toBe(0);
    expect(compareOffsets('0', '0-1')).toBeLessThan(0);
  });
});
