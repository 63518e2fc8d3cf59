import type { OptionKeys } from '@ws/core';
import { checkOptionKeys } from '@ws/core';

/**
 * Refuses unknown keys of a nested option that may also be `false` (a feature turned off):
 * `false` and `undefined` pass, an object is checked against `shape` (`WsError('invalid_options')`).
 */
export function checkKeysUnlessFalse<T>(
  value: T | false | undefined,
  shape: OptionKeys<T>,
  where: string,
): void {
  if (value !== false) checkOptionKeys<T>(value, shape, where);
}
