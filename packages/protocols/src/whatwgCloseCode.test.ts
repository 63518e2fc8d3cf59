import { closeCodeTable, shouldReconnect } from '@ws/core';
import { describe, expect, it } from 'vitest';
import { fromWhatwgCloseCode, toWhatwgCloseCode } from './whatwgCloseCode.js';

describe('WHATWG close-code mapping', () => {
  it('maps the table', () => {
    const mapped = Object.fromEntries(
      [
        1000, 1001, 1003, 1006, 1007, 1008, 1009, 1011, 1012, 1013, 4001, 4100, 4101, 4102, 3000,
      ].map((c) => [c, toWhatwgCloseCode(c)]),
    );
    expect(mapped).toEqual({
      1000: 1000,
      1001: 4051,
      1003: 4153,
      1006: 4056,
      1007: 4157,
      1008: 4158,
      1009: 4159,
      1011: 4061,
      1012: 4062,
      1013: 4063,
      4001: 4001,
      4100: 4100,
      4101: 4101,
      4102: 4102,
      3000: 3000,
    });
    expect(toWhatwgCloseCode(999)).toBe(1000);
    expect(toWhatwgCloseCode(2000)).toBe(1000);
    expect(toWhatwgCloseCode(5000)).toBe(1000);
  });

  it('every mapped code is sendable, keeps the reconnect advice, and maps back', () => {
    for (const { code } of closeCodeTable) {
      const m = toWhatwgCloseCode(code);
      expect(m === 1000 || (m >= 3000 && m <= 4999)).toBe(true);
      if (code !== 1000) expect(shouldReconnect(m)).toBe(shouldReconnect(code));
      expect(fromWhatwgCloseCode(m)).toBe(code);
    }
  });
});
