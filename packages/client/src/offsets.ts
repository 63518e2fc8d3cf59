/**
 * Orders two thread offsets: negative when `a` comes before `b`, 0 when equal, positive after.
 *
 * Offsets are strings of the form `<major>-<minor>`; both parts compare as unsigned integers of
 * any length. A string without a dash compares as `<major>-0`. Offsets increase per thread but
 * are not contiguous: never do arithmetic on them. (The client's own copy of `@ws/core`'s
 * `compareOffsets`; a property test checks that both agree.)
 */
export function compareOffsets(a: string, b: string): number {
  if (a === b) return 0;
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  const major = compareDigits(da < 0 ? a : a.slice(0, da), db < 0 ? b : b.slice(0, db));
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
