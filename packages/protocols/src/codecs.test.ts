import { decode, encode } from '@msgpack/msgpack';
import type { Logger } from '@ws/core';
import { createMetricsRegistry, isWsError, silentLogger } from '@ws/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientVersionBucket } from './clientVersion.js';
import { createCodec } from './codecs.js';
import { createLegacyCodec, legacyMetricName, legacyWarningCode } from './legacyCodec.js';
import { createMsgpackCodec } from './msgpackCodec.js';
import { msgpackDepthExceeds } from './msgpackDepth.js';
import { expectPrototypeClean, prototypeSnapshot } from './test/harness.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isWsError(err) ? err.code : 'not-a-WsError';
  }
}

function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

describe('createCodec', () => {
  it('creates the codec of each subprotocol, a new one per call', () => {
    expect(createCodec('wsm.v1.json')).toMatchObject({ name: 'wsm.v1.json', binary: false });
    expect(createCodec('wsm.v1.msgpack')).toMatchObject({ name: 'wsm.v1.msgpack', binary: true });
    expect(createCodec('legacy.json')).toMatchObject({ name: 'legacy.json', binary: false });
    expect(createCodec('legacy.json')).not.toBe(createCodec('legacy.json'));
  });

  it('JSON (core codec): depth limit before parsing, prototype keys dropped, also escaped ones', () => {
    const proto = prototypeSnapshot();
    const json = createCodec('wsm.v1.json');
    expect(codeOf(() => json.decode(JSON.stringify(nested(33))))).toBe('bad_request');
    expect(codeOf(() => json.decode(JSON.stringify(nested(32))))).toBeUndefined();
    expect(codeOf(() => createCodec('wsm.v1.json', { maxDepth: 3 }).decode('[[[[1]]]]'))).toBe(
      'bad_request',
    );
    const out = json.decode(
      '{"type":"ping","__proto__":{"polluted":1},"\\u005f_proto__":{"polluted":2},"constructor":{"prototype":{"polluted":3}}}',
    );
    expect(out).toEqual({ type: 'ping' });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expectPrototypeClean(proto);
  });
});

describe('msgpackDepthExceeds', () => {
  it('measures arrays and maps, 16/32-bit headers too, without decoding', () => {
    expect(msgpackDepthExceeds(encode(nested(32)), 32)).toBe(false);
    expect(msgpackDepthExceeds(encode(nested(33)), 32)).toBe(true);
    expect(msgpackDepthExceeds(encode({ a: [1, 'x', { b: null }], c: 2 }), 3)).toBe(false);
    expect(msgpackDepthExceeds(encode({ a: [1, 'x', { b: null }], c: 2 }), 2)).toBe(true);
    // array16 (0xdc) holding 20 empty arrays: depth 2.
    const a16 = new Uint8Array([0xdc, 0x00, 0x14, ...new Array<number>(20).fill(0x90)]);
    expect(msgpackDepthExceeds(a16, 2)).toBe(false);
    expect(msgpackDepthExceeds(a16, 1)).toBe(true);
    // map32 (0xdf) with one key and a nested array32 (0xdd).
    const m32 = new Uint8Array([0xdf, 0, 0, 0, 1, 0xa1, 0x61, 0xdd, 0, 0, 0, 1, 0x90]);
    expect(msgpackDepthExceeds(m32, 3)).toBe(false);
    expect(msgpackDepthExceeds(m32, 2)).toBe(true);
  });

  it('skips strings, binaries and extensions whose bytes look like containers', () => {
    const tricky = encode({
      s: '\x91\x91\x91\x91',
      b: new Uint8Array(300).fill(0x91),
      d: new Date(0),
      f: 1.5,
      n: -1,
      big: 2 ** 40,
    });
    expect(msgpackDepthExceeds(tricky, 1)).toBe(false);
  });

  it('a million-level nesting is refused without recursion (no stack overflow)', () => {
    const bytes = new Uint8Array(1_000_000).fill(0x91);
    expect(msgpackDepthExceeds(bytes, 32)).toBe(true);
  });

  it('truncated or malformed input is left to the decoder (false)', () => {
    expect(msgpackDepthExceeds(new Uint8Array([0xdc, 0x00]), 32)).toBe(false);
    expect(msgpackDepthExceeds(new Uint8Array([0xc1]), 32)).toBe(false);
    expect(msgpackDepthExceeds(new Uint8Array([]), 32)).toBe(false);
  });

  it('agrees with the real depth on random values (property)', () => {
    const depthOf = (v: unknown): number =>
      typeof v === 'object' && v !== null && !(v instanceof Uint8Array)
        ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf))
        : 0;
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 1, max: 10 }),
        (value, limit) => {
          expect(msgpackDepthExceeds(encode(value), limit)).toBe(depthOf(value) > limit);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('MessagePack codec', () => {
  const codec = createMsgpackCodec();

  it('round-trips frames as binary', () => {
    const bytes = codec.encode({ type: 'message', from: 'a', data: { x: [1, 'two', null] } });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decode(bytes as Uint8Array)).toEqual({
      type: 'message',
      from: 'a',
      data: { x: [1, 'two', null] },
    });
    expect(codec.decode(encode({ type: 'join', thread: 't', id: 1 }))).toEqual({
      type: 'join',
      thread: 't',
      id: 1,
    });
  });

  it('refuses text, garbage, trailing bytes and nesting past the limit with bad_request', () => {
    expect(codeOf(() => codec.decode('{"type":"ping"}'))).toBe('bad_request');
    expect(codeOf(() => codec.decode(new Uint8Array([0xc1])))).toBe('bad_request');
    expect(codeOf(() => codec.decode(new Uint8Array([0x92, 0x01])))).toBe('bad_request');
    expect(codeOf(() => codec.decode(new Uint8Array([0x01, 0x02])))).toBe('bad_request');
    expect(codeOf(() => codec.decode(encode(nested(33))))).toBe('bad_request');
    expect(codeOf(() => codec.decode(encode(nested(32))))).toBeUndefined();
    expect(codeOf(() => createMsgpackCodec({ maxDepth: 2 }).decode(encode([[[1]]])))).toBe(
      'bad_request',
    );
    expect(codeOf(() => createMsgpackCodec({ maxDepth: 0 }))).toBe('invalid_options');
  });

  it('never lets __proto__, constructor or prototype reach a prototype', () => {
    const proto = prototypeSnapshot();
    // { "__proto__": { "polluted": 1 } } by hand.
    const hostile = new Uint8Array([
      0x81,
      0xa9,
      ...new TextEncoder().encode('__proto__'),
      0x81,
      0xa8,
      ...new TextEncoder().encode('polluted'),
      0x01,
    ]);
    expect(codeOf(() => codec.decode(hostile))).toBe('bad_request');
    const out = codec.decode(
      encode({
        type: 'ping',
        data: [{ constructor: { prototype: { polluted: 1 } }, prototype: 1, ok: 1 }],
      }),
    );
    expect(out).toEqual({ type: 'ping', data: [{ ok: 1 }] });
    expectPrototypeClean(proto);
  });
});

describe('legacy codec', () => {
  it('maps {event, data} to {...data, type: event}: the event wins', () => {
    const codec = createLegacyCodec();
    expect(codec.decode('{"event":"join","data":{"thread":"t","id":1,"type":"publish"}}')).toEqual({
      type: 'join',
      thread: 't',
      id: 1,
    });
    expect(codec.decode('{"event":"ping"}')).toEqual({ type: 'ping' });
    expect(codec.decode('{"event":"ping","data":null}')).toEqual({ type: 'ping' });
    expect(codec.decode(new TextEncoder().encode('{"event":"pong","data":{}}'))).toEqual({
      type: 'pong',
    });
  });

  it('maps frames back to {event: type, data: rest}', () => {
    const codec = createLegacyCodec();
    expect(JSON.parse(codec.encode({ type: 'ack', id: 3 }) as string)).toEqual({
      event: 'ack',
      data: { id: 3 },
    });
    expect(JSON.parse(codec.encode({ type: 'pong' }) as string)).toEqual({
      event: 'pong',
      data: {},
    });
    expect(codec.name).toBe('legacy.json');
    expect(codec.binary).toBe(false);
  });

  it('two legacy codecs encode identically (core encodes once per codec name)', () => {
    const frame = { type: 'message', from: 'u', data: { a: 1 } } as const;
    expect(createLegacyCodec({ clientVersion: '1.x' }).encode(frame)).toBe(
      createLegacyCodec().encode(frame),
    );
  });

  it('refuses malformed legacy frames with bad_request', () => {
    const codec = createLegacyCodec();
    for (const bad of [
      '[]',
      '"x"',
      '{"type":"ping"}',
      '{"event":""}',
      '{"event":1}',
      '{"event":"publish","data":"x"}',
      '{"event":"publish","data":[1]}',
      '{',
    ]) {
      expect(codeOf(() => codec.decode(bad))).toBe('bad_request');
    }
    expect(codeOf(() => codec.decode(JSON.stringify({ event: 'ping', data: nested(32) })))).toBe(
      'bad_request',
    );
  });

  it('prototype keys in data never reach a prototype, plain or escaped', () => {
    const proto = prototypeSnapshot();
    const codec = createLegacyCodec();
    const out = codec.decode(
      '{"event":"ping","data":{"__proto__":{"polluted":1},"\\u005f_proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}',
    );
    expect(out).toEqual({ type: 'ping' });
    expect(Object.keys(out as object)).toEqual(['type']);
    expectPrototypeClean(proto);
  });

  it('warns once per connection with a stable code, and counts it by version bucket', () => {
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger(), warn: (m, f) => warnings.push({ m, f }) };
    const metrics = createMetricsRegistry();
    const a = createLegacyCodec({ logger, metrics, clientVersion: '1.x', fields: { path: '/ws' } });
    a.decode('{"event":"ping"}');
    a.decode('{"event":"ping"}');
    expect(a.noteConnection()).toBe(false);
    const b = createLegacyCodec({ logger, metrics });
    expect(b.noteConnection()).toBe(true);
    b.decode('{"event":"ping"}');
    expect(warnings).toEqual([
      {
        m: 'legacy.json is deprecated: move this client to wsm.v1.json',
        f: { path: '/ws', code: legacyWarningCode, clientVersion: '1.x' },
      },
      {
        m: 'legacy.json is deprecated: move this client to wsm.v1.json',
        f: { code: 'WS_LEGACY_PROTOCOL', clientVersion: 'other' },
      },
    ]);
    const snapshot = metrics.read(legacyMetricName);
    expect(snapshot?.samples).toEqual([
      { labels: { client_version: '1.x' }, value: 1 },
      { labels: { client_version: 'other' }, value: 1 },
    ]);
  });
});

describe('clientVersionBucket', () => {
  it('buckets known majors and sends everything else to other', () => {
    expect(clientVersionBucket('1.4.2')).toBe('1.x');
    expect(clientVersionBucket('v2')).toBe('2.x');
    expect(clientVersionBucket('2.0.0-beta.1')).toBe('2.x');
    expect(clientVersionBucket('01.2')).toBe('1.x');
    expect(clientVersionBucket('3.0')).toBe('other');
    expect(clientVersionBucket(undefined)).toBe('other');
    expect(clientVersionBucket('banana')).toBe('other');
    expect(clientVersionBucket('1'.repeat(100))).toBe('other');
    expect(clientVersionBucket('3.1', ['1', '2', '3'])).toBe('3.x');
  });

  it('never yields more labels than known majors + 1 (property)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.string(), (s) => {
        seen.add(clientVersionBucket(s));
      }),
      { numRuns: 500 },
    );
    for (const v of ['1', '2.3', 'v1.0']) seen.add(clientVersionBucket(v));
    expect([...seen].sort()).toEqual(['1.x', '2.x', 'other']);
  });
});
