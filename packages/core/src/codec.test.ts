import { describe, expect, it } from 'vitest';
import { createJsonCodec, jsonDepthExceeds } from './codec.js';
import { isWsError } from './errors.js';

describe('JSON codec', () => {
  const codec = createJsonCodec();

  it('decodes text and UTF-8 bytes, and encodes frames', () => {
    expect(codec.decode('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(codec.decode(new TextEncoder().encode('{"type":"pong"}'))).toEqual({ type: 'pong' });
    expect(codec.encode({ type: 'pong' })).toBe('{"type":"pong"}');
    expect(codec.name).toBe('wsm.v1.json');
  });

  it('refuses garbage, invalid UTF-8 and nesting past the limit with bad_request', () => {
    for (const input of ['{', new Uint8Array([0xff, 0xfe]), '['.repeat(33) + ']'.repeat(33)]) {
      try {
        codec.decode(input);
        expect.unreachable();
      } catch (err) {
        expect(isWsError(err) && err.code).toBe('bad_request');
      }
    }
    expect(() => codec.decode('['.repeat(32) + ']'.repeat(32))).not.toThrow();
    expect(() => createJsonCodec({ maxDepth: 2 }).decode('{"a":{"b":{}}}')).toThrow(
      /deeper than 2/,
    );
  });

  it('ignores brackets inside strings when measuring depth', () => {
    expect(jsonDepthExceeds('{"a":"[[[[[[[[[[\\"[[["}', 2)).toBe(false);
  });

  it('measures depth, not bracket count: many shallow siblings pass, the exact limit decides', () => {
    const siblings = `[${Array.from({ length: 50 }, () => '{"a":[1]}').join(',')}]`;
    expect(jsonDepthExceeds(siblings, 3)).toBe(false);
    expect(jsonDepthExceeds(siblings, 2)).toBe(true);
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{}', 1)).toBe(false);
    expect(jsonDepthExceeds('"no brackets"', 0)).toBe(false);
  });

  it('never lets __proto__, constructor or prototype reach an object prototype', () => {
    const decoded = codec.decode(
      '{"type":"publish","data":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"ok":1}}',
    ) as { data: Record<string, unknown> };
    expect(decoded.data).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(decoded.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('drops the three keys also when spelled with \\u escapes', () => {
    const text =
      '{"type":"publish","data":{"\\u005f_proto__":{"polluted":1},"constructo\\u0072":1,"\\u0070rototype":2,"ok":"\\u00e9"}}';
    const decoded = codec.decode(text) as { data: Record<string, unknown> };
    expect(decoded.data).toEqual({ ok: 'é' });
    expect(Object.keys(decoded.data)).toEqual(['ok']);
    expect(Object.getPrototypeOf(decoded.data)).toBe(Object.prototype);
  });
});
