import { describe, expect, it } from 'vitest';
import { isWsError } from './errors.js';
import type { OptionKeys } from './optionKeys.js';
import { checkOptionKeys, nearestKey } from './optionKeys.js';

interface Sample {
  readonly maxConnections?: number;
  readonly onError?: (err: Error) => void;
  readonly drain?: { readonly ratePerSecond?: number; readonly spreadMs?: number };
  readonly origins?: readonly string[];
}

const shape = {
  maxConnections: true,
  onError: true,
  drain: { ratePerSecond: true, spreadMs: true },
  origins: true,
} as const satisfies OptionKeys<Sample>;

function refusal(options: unknown): string {
  try {
    checkOptionKeys<Sample>(options, shape, 'sample options');
  } catch (err) {
    if (!isWsError(err)) throw err;
    expect(err.code).toBe('invalid_options');
    return err.message;
  }
  throw new Error('expected invalid_options');
}

describe('nearestKey', () => {
  const known = ['maxConnections', 'maxConnectionsPerUser', 'intervalMs', 'url'];

  it('names the closest key, ignoring case', () => {
    expect(nearestKey('maxConection', known)).toBe('maxConnections');
    expect(nearestKey('intervalMS', known)).toBe('intervalMs');
    expect(nearestKey('maxconnectionsperuser', known)).toBe('maxConnectionsPerUser');
    expect(nearestKey('URL', known)).toBe('url');
  });

  it('suggests nothing when no key is close', () => {
    expect(nearestKey('banana', known)).toBeUndefined();
    expect(nearestKey('uri2x', known)).toBeUndefined();
    expect(nearestKey('x', [])).toBeUndefined();
  });
});

describe('checkOptionKeys', () => {
  it('accepts known keys, nested ones included, and undefined options', () => {
    checkOptionKeys<Sample>(
      { maxConnections: 3, drain: { spreadMs: 0 }, origins: ['a'] },
      shape,
      'sample options',
    );
    checkOptionKeys<Sample>(undefined, shape, 'sample options');
    checkOptionKeys<Sample>({ drain: undefined }, shape, 'sample options');
  });

  it('refuses an unknown key, naming it and the nearest known one', () => {
    expect(refusal({ maxConection: 3 })).toBe(
      'unknown option `maxConection` in sample options; did you mean `maxConnections`?',
    );
  });

  it('lists the known keys when none is close', () => {
    expect(refusal({ banana: 1 })).toBe(
      'unknown option `banana` in sample options; known options: `maxConnections`, `onError`, `drain`, `origins`',
    );
  });

  it('refuses unknown keys of nested option objects', () => {
    expect(refusal({ drain: { ratePerSec: 5 } })).toBe(
      'unknown option `ratePerSec` in sample options.drain; did you mean `ratePerSecond`?',
    );
  });

  it('refuses options and nested options that are not objects', () => {
    expect(refusal(null)).toBe('sample options must be an object');
    expect(refusal([1])).toBe('sample options must be an object');
    expect(refusal({ drain: 5 })).toBe('sample options.drain must be an object');
  });

  it('refuses prototype keys given as data', () => {
    expect(refusal(JSON.parse('{"__proto__": {"x": 1}}'))).toContain('unknown option `__proto__`');
    expect(refusal({ constructor: 1 })).toContain('unknown option `constructor`');
  });

  it('types the shape against the interface', () => {
    // @ts-expect-error a key of the interface is missing from the shape
    const missing: OptionKeys<Sample> = { maxConnections: true, onError: true, origins: true };
    // @ts-expect-error a key in the shape is not in the interface
    const extra: OptionKeys<Sample> = { ...shape, maxConection: true };
    // @ts-expect-error a nested shape with a key its object does not have
    const nested: OptionKeys<Sample> = { ...shape, drain: { ratePerSec: true } };
    expect([missing, extra, nested]).toHaveLength(3);
  });
});
