import { ClientError } from '../errors.js';

// Not imported from `@ws/core`: the client is a browser bundle that depends on no server package
// (bundle.test.ts checks that it imports nothing). This is a small copy of core's
// `checkOptionKeys` with the same rule and message, so a typo reads the same on both sides.

/** An option's value without the "not given" and "off" forms (`heartbeat: false`). */
type Given<V> = Exclude<V, null | undefined | false>;

/**
 * The known keys of an options interface `T`: `true` per key, or a nested options object's own
 * shape. Declared `as const satisfies OptionKeys<T>`, so the shape cannot drift from `T`.
 */
export type OptionKeys<T> = {
  readonly [K in keyof T]-?: Given<T[K]> extends (...args: never[]) => unknown
    ? true
    : Given<T[K]> extends object
      ? true | OptionKeys<Given<T[K]>>
      : true;
};

interface Shape {
  readonly [key: string]: true | Shape;
}

/** Levenshtein distance in one row. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = i - 1;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + +(a[i - 1] !== b[j - 1]));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/**
 * The known key nearest to `key` ignoring case, or `undefined`: at most
 * `max(1, floor(longer length / 3))` edits, as core's `nearestKey`; ties go to the first.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (
      d <= Math.max(1, Math.floor(Math.max(lower.length, candidate.length) / 3)) &&
      d < bestDistance
    ) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Refuses every own key of `options` that `shape` does not name, descending into nested option
 * objects: throws `ClientError('invalid_options')` with "unknown option `x` in <where>; did you
 * mean `y`?" (or the known options when none is close). A nested value that is not an object
 * (`heartbeat: false`, a wrong type) is left to the value checks.
 */
export function checkOptionKeys<T>(options: T, shape: OptionKeys<T>, where: string): void {
  const known = Object.keys(shape);
  for (const key of Object.keys(options as object)) {
    const nested = Object.prototype.hasOwnProperty.call(shape, key)
      ? (shape as Shape)[key]
      : undefined;
    if (nested === undefined) {
      const near = nearestKey(key, known);
      throw new ClientError(
        'invalid_options',
        `unknown option \`${key}\` in ${where}; ${
          near === undefined
            ? `known options: ${known.map((k) => `\`${k}\``).join(', ')}`
            : `did you mean \`${near}\`?`
        }`,
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (nested !== true && typeof value === 'object' && value !== null && !Array.isArray(value))
      checkOptionKeys(value, nested, `${where}.${key}`);
  }
}
