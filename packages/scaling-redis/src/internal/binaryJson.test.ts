import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBinary, stringifyBinary } from './binaryJson.js';

/** The slow path alone, as the module wrote every value before its fast paths. */
function replacerOnly(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    ArrayBuffer.isView(v)
      ? { '\u0000bin': Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') }
      : v,
  );
}

function nested(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: [v] };
  return v;
}

describe('binaryJson', () => {
  it('writes plain data exactly as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(stringifyBinary(value)).toBe(JSON.stringify(value));
        expect(parseBinary(stringifyBinary(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps typed arrays anywhere, at any depth, as Uint8Array', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    for (const value of [
      { data: bytes },
      [1, { x: [bytes] }],
      { data: new Uint16Array([1, 2]) },
      nested(100, bytes),
    ]) {
      const text = stringifyBinary(value);
      expect(text).toBe(replacerOnly(value));
      expect(text).toContain('"\\u0000bin"');
    }
    // A Buffer's own toJSON runs before any replacer: the same text as before either way.
    expect(stringifyBinary({ b: Buffer.from([9, 8]) })).toBe(
      replacerOnly({ b: Buffer.from([9, 8]) }),
    );
    expect(parseBinary(stringifyBinary({ data: bytes }))).toEqual({ data: bytes });
    const deep = parseBinary(stringifyBinary(nested(100, bytes)));
    expect(deep).toEqual(nested(100, bytes));
  });

  it('leaves toJSON and class instances to the replacer path', () => {
    const viaToJson = { toJSON: () => new Uint8Array([7]) };
    class Point {
      constructor(readonly x: number) {}
    }
    expect(stringifyBinary({ v: viaToJson })).toBe(replacerOnly({ v: viaToJson }));
    expect(stringifyBinary({ p: new Point(1), d: new Date(0) })).toBe(
      JSON.stringify({ p: new Point(1), d: new Date(0) }),
    );
  });

  it('reads a marker only as an object of that one key; other text with it stays as it was', () => {
    expect(parseBinary('{"s":"\\u0000bin"}')).toEqual({ s: '\u0000bin' });
    expect(parseBinary('{"\\u0000bin":"AQI=","x":1}')).toEqual({ '\u0000bin': 'AQI=', x: 1 });
    expect(parseBinary('{"\\u0000bin":"AQI="}')).toEqual(new Uint8Array([1, 2]));
  });

  it('throws on text that is not JSON, as JSON.parse does', () => {
    expect(() => parseBinary('{')).toThrow(SyntaxError);
    expect(() => parseBinary('{"\\u0000bin":')).toThrow(SyntaxError);
  });
});
