const dangerous: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * Deletes own `__proto__`, `constructor` and `prototype` keys from every plain object and array
 * of a decoded value, in place (so decoded data matches the JSON codec's). Iterative: the value's
 * depth was bounded before decoding, but no recursion is needed anyway.
 */
export function stripPrototypeKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const obj = stack.pop() as Record<string, unknown>;
    if (ArrayBuffer.isView(obj)) continue;
    for (const key of dangerous) {
      if (Object.prototype.hasOwnProperty.call(obj, key)) delete obj[key];
    }
    for (const key of Object.keys(obj)) {
      const child = obj[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return value;
}
