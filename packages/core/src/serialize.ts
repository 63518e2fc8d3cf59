import { WsError } from './errors.js';

/** The outcome of {@link toWireData}: a value every codec can encode, or why not. */
export type WireData =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: WsError };

const MAX_DEPTH = 64;

/**
 * Turns application data into plain, encodable data once per send, so no codec ever throws:
 * `bigint` -> decimal string, `Date` -> ISO string (invalid dates -> null), `Map` -> object,
 * `Set` -> array, `Error` -> `{ name, message }` (no stack), typed arrays pass through, objects
 * with `toJSON` use it; functions, symbols and `undefined` properties are dropped as JSON does.
 * Cycles, nesting past 64 levels and a throwing getter or `toJSON` fail with
 * `WsError('unserializable')`.
 */
export function toWireData(data: unknown): WireData {
  const t = typeof data;
  if (data === null || t === 'string' || t === 'boolean') return { ok: true, value: data };
  if (t === 'number') return { ok: true, value: Number.isFinite(data) ? data : null };
  return normalizeAll(data);
}

/**
 * {@link toWireData} for data nobody else holds (what a codec just decoded from a client): when
 * it is already plain wire data it is used as is, without a copy.
 */
export function toWireDataOwned(data: unknown): WireData {
  try {
    if (isWireReady(data, 0)) return { ok: true, value: data };
  } catch {
    // A throwing getter: toWireData reports it.
  }
  return toWireData(data);
}

/**
 * True when `value` can be encoded as is: strings, finite numbers, booleans, null, typed arrays,
 * and arrays and plain objects of those (no own `__proto__` key, no `undefined`), at most
 * {@link MAX_DEPTH} levels deep (a cycle fails the depth bound). Allocates nothing.
 */
function isWireReady(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    case 'bigint':
    case 'undefined':
    case 'function':
    case 'symbol':
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!isWireReady(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) return false;
    if (key === '__proto__') return false;
    if (!isWireReady((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * Where a normalization is: the objects being normalized (a cycle meets one again), the keys
 * leading to the current value (pushed and popped around each child, so a send builds no path
 * strings unless it fails), and the nesting depth. One object per normalization.
 */
interface Walk {
  readonly seen: Set<object>;
  readonly path: (string | number)[];
  depth: number;
}

function normalizeAll(data: unknown): WireData {
  try {
    return { ok: true, value: normalize(data, { seen: new Set<object>(), path: [], depth: 0 }) };
  } catch (err) {
    return {
      ok: false,
      error:
        err instanceof WsError
          ? err
          : new WsError('unserializable', 'message could not be serialized', { cause: err }),
    };
  }
}

/** The JSONPath-like location of the value being normalized (`$.a[0].b`), built only on error. */
function pathText(path: readonly (string | number)[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${key}`;
  return out;
}

/** Normalizes one value at `walk.depth`. */
function normalize(value: unknown, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
  }
  if (value === null) return null;
  const obj = value;
  const { seen, path } = walk;
  if (walk.depth > MAX_DEPTH) {
    throw new WsError(
      'unserializable',
      `message nests deeper than ${MAX_DEPTH} levels at ${pathText(path)}`,
    );
  }
  if (seen.has(obj)) {
    throw new WsError('unserializable', `message has a cycle at ${pathText(path)}`);
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (ArrayBuffer.isView(obj)) return obj;
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return obj.map((v, i) => child(v, walk, i) ?? null);
    }
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of obj) {
        const n = child(v, walk, String(k));
        if (n !== undefined) defineKey(out, String(k), n);
      }
      return out;
    }
    if (obj instanceof Set) {
      return [...obj].map((v, i) => child(v, walk, i) ?? null);
    }
    if (obj instanceof Error) return { name: obj.name, message: obj.message };
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const json = (toJSON as () => unknown).call(obj);
      walk.depth++;
      const n = normalize(json, walk);
      walk.depth--;
      return n;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const n = child((obj as Record<string, unknown>)[key], walk, key);
      if (n !== undefined) defineKey(out, key, n);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** Normalizes a child value at `key` (one level deeper). */
function child(value: unknown, walk: Walk, key: string | number): unknown {
  // Primitives need neither the path nor the depth: the common leaves return at once.
  if (typeof value !== 'object' || value === null) return normalize(value, walk);
  walk.path.push(key);
  walk.depth++;
  const n = normalize(value, walk);
  walk.depth--;
  walk.path.pop();
  return n;
}

/** Sets an own property even for `__proto__`, never touching the prototype. */
function defineKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}
