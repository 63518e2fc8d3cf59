/** Prototype-pollution checks: a snapshot of Object.prototype and the assertion that it is unchanged. */
import { expect } from 'vitest';

/** A snapshot of Object.prototype, to prove nothing polluted it. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

export function expectPrototypeClean(before: string[]): void {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}
