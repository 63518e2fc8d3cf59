import { WsError } from './errors.js';

/**
 * The known keys of an options interface `T`: every key of `T` (optional ones included) maps to
 * `true`, or, for a nested options object, to that object's own shape, whose keys are checked
 * too. Declare a shape with `as const satisfies OptionKeys<T>`: a key added to `T` and not to the
 * shape, or a key in the shape that `T` does not have, is a compile error, so the list a factory
 * refuses unknown keys against cannot drift from its options interface.
 */
export type OptionKeys<T> = {
  readonly [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown
    ? true
    : NonNullable<T[K]> extends object
      ? true | OptionKeys<NonNullable<T[K]>>
      : true;
};

/** A shape at run time: what {@link checkOptionKeys} walks. */
interface OptionShape {
  readonly [key: string]: true | OptionShape;
}

/** Levenshtein distance of two strings (two rows, so O(|b|) memory). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/**
 * The known key nearest to `key` (edit distance, ignoring case), or `undefined` when none is
 * close: at most a third of the longer name's length, and at least one edit allowed. Ties go to
 * the first in `known`.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(lower.length, candidate.length) / 3));
    if (d <= allowed && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses every key of `options` that `shape` does not name, nested option objects included:
 * throws `WsError('invalid_options')` with the key, where it was found and the nearest known key
 * ("unknown option `maxConection` in createManager options; did you mean `maxConnections`?"),
 * or the list of known keys when none is close. `undefined` options pass (the factory's
 * defaults apply); anything else that is not an object is refused. A nested value that is
 * `undefined` passes, one that is not an object is refused. Only own enumerable string keys are
 * read, so `__proto__` or `constructor` given as data is refused like any other unknown key.
 *
 * @param where names the options in the message, e.g. `'createManager options'`.
 */
export function checkOptionKeys<T>(options: unknown, shape: OptionKeys<T>, where: string): void {
  checkShape(options, shape, where);
}

function checkShape(options: unknown, shape: OptionShape, where: string): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) {
    throw new WsError('invalid_options', `${where} must be an object`);
  }
  const known = Object.keys(shape);
  for (const key of Object.keys(options)) {
    const nested = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (nested === undefined) {
      const near = nearestKey(key, known);
      const hint =
        near === undefined
          ? `known options: ${known.map((k) => `\`${k}\``).join(', ')}`
          : `did you mean \`${near}\`?`;
      throw new WsError('invalid_options', `unknown option \`${key}\` in ${where}; ${hint}`);
    }
    if (nested !== true) checkShape(options[key], nested, `${where}.${key}`);
  }
}
