import { describe, expect, it } from 'vitest';
import { optionRefusal, untouchable } from './optionRefusal.js';

describe('optionRefusal', () => {
  it('returns the message of an invalid_options error', () => {
    const err = Object.assign(new Error('unknown option `x`'), { code: 'invalid_options' });
    expect(
      optionRefusal(() => {
        throw err;
      }),
    ).toBe('unknown option `x`');
  });

  it('marks any other throw, and tells when nothing was thrown', () => {
    const other = Object.assign(new Error('boom'), { code: 'closed' });
    expect(
      optionRefusal(() => {
        throw other;
      }),
    ).toBe('not invalid_options: Error: boom');
    expect(optionRefusal(() => 1)).toBe('accepted');
  });
});

describe('untouchable', () => {
  it('throws on any property read, naming the object and the key', () => {
    const client = untouchable<{ eval: unknown }>('client');
    expect(() => client.eval).toThrow('client.eval read before the options were checked');
  });
});
