import { describe, expect, it } from 'vitest';
import { toWireData, toWireDataOwned } from './serialize.js';

describe('toWireData', () => {
  it('passes plain data through and normalizes special values', () => {
    expect(toWireData('x')).toEqual({ ok: true, value: 'x' });
    expect(toWireData(Number.NaN)).toEqual({ ok: true, value: null });
    expect(toWireData([1, undefined, () => 1])).toEqual({ ok: true, value: [1, null, null] });
    expect(toWireData({ a: undefined, b: Symbol('s'), c: 1 })).toEqual({
      ok: true,
      value: { c: 1 },
    });
    expect(toWireData(new Date('invalid'))).toEqual({ ok: true, value: null });
    expect(toWireData({ toJSON: () => ({ via: 'toJSON' }) })).toEqual({
      ok: true,
      value: { via: 'toJSON' },
    });
  });

  it('keeps a __proto__ key as data without touching prototypes', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
    const out = toWireData(input);
    expect(out.ok).toBe(true);
    expect(JSON.stringify(out.ok && out.value)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('allows shared (non-cyclic) references and refuses cycles and excessive depth', () => {
    const shared = { x: 1 };
    expect(toWireData({ a: shared, b: shared })).toEqual({
      ok: true,
      value: { a: { x: 1 }, b: { x: 1 } },
    });
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const r = toWireData(cyclic);
    expect(r.ok === false && r.error.code).toBe('unserializable');
    expect(r.ok === false && r.error.message).toMatch(/cycle at \$\[0\]/);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(toWireData(deep).ok).toBe(false);
  });

  it('turns a throwing getter into unserializable', () => {
    const bad = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    const r = toWireData(bad);
    expect(r.ok === false && r.error.code).toBe('unserializable');
  });
});

describe('toWireDataOwned (data a codec just decoded)', () => {
  it('uses plain wire data as is, without a copy', () => {
    const data = { s: 1, t: 2.5, p: 'x', nested: [{ a: null, b: true }], bytes: new Uint8Array(2) };
    const r = toWireDataOwned(data);
    expect(r.ok && r.value).toBe(data);
  });

  it('falls back to the normalizing copy for anything else', () => {
    const withUndefined = { a: undefined, b: 1 };
    expect(toWireDataOwned(withUndefined)).toEqual({ ok: true, value: { b: 1 } });
    expect(toWireDataOwned({ at: new Date(0) })).toEqual({
      ok: true,
      value: { at: '1970-01-01T00:00:00.000Z' },
    });
    expect(toWireDataOwned([Number.NaN])).toEqual({ ok: true, value: [null] });
    const proto = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const r = toWireDataOwned(proto);
    expect(r.ok && r.value).not.toBe(proto);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const c = toWireDataOwned(cyclic);
    expect(c.ok === false && c.error.code).toBe('unserializable');
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const t = toWireDataOwned(throwing);
    expect(t.ok === false && t.error.code).toBe('unserializable');
  });
});
