import type { Offset } from './ids.js';

/**
 * Orders two thread offsets: negative when `a` comes before `b`, 0 when equal, positive after.
 *
 * Offsets are strings of the form `<major>-<minor>` (Redis stream ids, or the local adapter's
 * `<epoch>-<sequence>`); both parts compare as unsigned integers of any length. A string without
 * a dash compares as `<major>-0`. Clients must not do arithmetic on offsets: they increase per
 * thread but are not contiguous.
 */
export function compareOffsets(a: string, b: string): number {
  if (a === b) return 0;
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const majorA = da < 0 ? a : a.slice(0, da);
  const majorB = db < 0 ? b : b.slice(0, db);
  const major = compareDigits(majorA, majorB);
  if (major !== 0) return major;
  return compareDigits(da < 0 ? '0' : a.slice(da + 1), db < 0 ? '0' : b.slice(db + 1));
}

function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return i === 0 ? s : s.slice(i);
}

const offsetPattern = /^\d{1,20}(-\d{1,20})?$/;

/** True when `value` has the shape of an offset (`<digits>` or `<digits>-<digits>`). */
export function isOffset(value: unknown): value is Offset {
  return typeof value === 'string' && offsetPattern.test(value);
}

/** The later of two offsets. */
export function maxOffset(a: Offset, b: Offset): Offset {
  return compareOffsets(a, b) >= 0 ? a : b;
}
