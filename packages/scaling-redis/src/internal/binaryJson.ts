/**
 * JSON with binary data kept, for Redis channel messages and history entries: a typed array
 * travels as `{"\u0000bin": <base64>}` and comes back as a `Uint8Array`.
 *
 * Both directions take a fast path when there is no binary data, which is nearly always: a
 * replacer or reviver function makes V8 call back into JavaScript for every key of the value,
 * and skipping them (a plain `JSON.stringify` / `JSON.parse`) took the instances' share of
 * `pnpm --filter bench bench:emitter` (users, burst) from about 32 to 30 us per delivered
 * message, and the emitter's encode with it. The slow paths are unchanged.
 */

const BIN = '\u0000bin';
/** How {@link BIN} reads in JSON text (`JSON.stringify` always writes U+0000 this way). */
const BIN_IN_JSON = '"\\u0000bin"';
/** Deeper than this, {@link hasBinary} gives up and the replacer path decides. */
const MAX_SCAN_DEPTH = 64;

/**
 * True when `value` holds a typed array, or might: anything but primitives, arrays and plain
 * objects (a `toJSON`, a class instance) and anything deeper than {@link MAX_SCAN_DEPTH} counts
 * as "might", so the replacer path handles it exactly as before.
 */
function hasBinary(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_SCAN_DEPTH || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasBinary(value[i], depth + 1)) return true;
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  for (const key in value) {
    if (hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function replacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { [BIN]: Buffer.from(bytes).toString('base64') };
  }
  return v;
}

/** `JSON.stringify` with typed arrays written as `{"\u0000bin": <base64>}`. */
export function stringifyBinary(value: unknown): string {
  return hasBinary(value, 0) ? JSON.stringify(value, replacer) : JSON.stringify(value);
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const b = (value as Record<string, unknown>)[BIN];
    if (typeof b === 'string' && Object.keys(value).length === 1)
      return new Uint8Array(Buffer.from(b, 'base64'));
  }
  return value;
}

/** The inverse of {@link stringifyBinary}. */
export function parseBinary(json: string): unknown {
  return json.includes(BIN_IN_JSON) ? JSON.parse(json, reviver) : JSON.parse(json);
}
