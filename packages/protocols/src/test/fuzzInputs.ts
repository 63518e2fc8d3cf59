/**
 * Inputs of the fuzz property (`ws/fuzz.property.test.ts`): what one attacker connection sends.
 * A scenario is either a `ws` connection on `wsm.v1.json` or `wsm.v1.msgpack` sending a short
 * list of frames, or a raw TCP connection writing one WebSocket framing violation.
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';

/** The attacker's user; it may join threads named `<ATTACKER>:...` and direct-message itself. */
export const ATTACKER = 'mallory';
/** The bystander's user and the thread it joined. */
export const BYSTANDER = 'bob';
/** The bystander's thread. */
export const BYSTANDER_THREAD = 'bob:room';

/** One frame a `ws` client sends: a text frame (string or raw bytes) or a binary frame. */
export interface FuzzFrame {
  readonly binary: boolean;
  readonly payload: string | Uint8Array;
}

/** A framing violation written by the raw TCP client, with the close code it must cause. */
export interface FuzzViolation {
  readonly kind: 'unmasked' | 'rsv' | 'opcode' | 'oversize' | 'utf8';
  readonly payload: Uint8Array;
  readonly rsv: number;
  readonly opcode: number;
}

/** One run of the property. */
export type FuzzScenario =
  | { readonly via: 'wsm.v1.json' | 'wsm.v1.msgpack'; readonly frames: readonly FuzzFrame[] }
  | { readonly via: 'raw'; readonly violation: FuzzViolation };

/** Sentinels for numbers JSON.stringify cannot write; replaced by overflowing literals. */
const INF = '\u0001+inf';
const NEG_INF = '\u0001-inf';

/** JSON text of a value; non-finite numbers become `1e999` / `-1e999` (JSON.parse: ±Infinity). */
function hostileJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'number' || Number.isFinite(v)) return v;
    return v === -Infinity ? NEG_INF : INF;
  });
  return (text ?? 'null')
    .replaceAll('"\\u0001+inf"', '1e999')
    .replaceAll('"\\u0001-inf"', '-1e999');
}

/** `depth` levels of alternating arrays and objects around `leaf`. */
function nest(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

/** Objects with own `__proto__` / `constructor` / `prototype` keys (JSON.parse makes them own). */
const prototypeKeyed = fc
  .constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"prototype":{"polluted":1},"a":1}',
    '{"a":{"__proto__":{"polluted":1}}}',
    '{"__proto__":null}',
  )
  .map((t) => JSON.parse(t) as unknown);

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    BYSTANDER_THREAD,
    BYSTANDER,
    `${ATTACKER}:room`,
    ATTACKER,
    '*',
    'bob:*',
    '\u0000',
    '\ud800',
    'x'.repeat(129),
    'y'.repeat(257),
    '-1',
    '1-',
    '0-0-0',
  ),
  fc.string({ maxLength: 40 }),
  // Huge strings, some past the 65,536-byte message limit (1009).
  fc.integer({ min: 4000, max: 70_000 }).map((n) => 'z'.repeat(n)),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(
    -1,
    -0,
    0,
    1.5,
    2 ** 53 + 1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Infinity,
    -Infinity,
  ),
  fc.double(),
  fc.integer(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  prototypeKeyed,
  fc.integer({ min: 28, max: 40 }).map((d) => nest(d, 1)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
);

const clientType = fc.constantFrom(
  'join',
  'leave',
  'publish',
  'direct',
  'resume',
  'refresh',
  'ping',
  'pong',
  'ack',
  'error',
  'message',
  'welcome',
  '__proto__',
  'constructor',
  'toString',
);

const threadField = fc.oneof(
  fc.constantFrom(BYSTANDER_THREAD, `${ATTACKER}:room`, `${ATTACKER}:b`, 'room'),
  hostileValue,
);
const toField = fc.oneof(fc.constantFrom(BYSTANDER, ATTACKER, 'nobody'), hostileValue);
const offsetField = fc.oneof(
  fc.constantFrom('0', '1-1', '99999999999999999999-99999999999999999999', '000-000'),
  hostileValue,
);
const idField = fc.oneof(fc.nat(1000), fc.string({ maxLength: 70 }), hostileValue);

const validThread = fc.constantFrom(`${ATTACKER}:room`, `${ATTACKER}:b`, BYSTANDER_THREAD);
const validId = fc.option(fc.oneof(fc.nat(1000), fc.string({ maxLength: 64 })), { nil: undefined });
const smallData = fc.jsonValue({ maxDepth: 3 });

/** The client frames of PROTOCOL.md, well formed (threads and users may be someone else's). */
const validFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constantFrom('join', 'leave'), thread: validThread, id: validId }),
  fc.record({ type: fc.constant('publish'), thread: validThread, data: smallData, id: validId }),
  fc.record({
    type: fc.constant('direct'),
    to: fc.constantFrom(ATTACKER, BYSTANDER, 'nobody'),
    data: smallData,
    id: validId,
  }),
  fc.record({
    type: fc.constant('resume'),
    thread: validThread,
    offset: fc.constantFrom('0', '1-1', '99999999999999999999-99999999999999999999'),
    id: validId,
  }),
  fc.record({ type: fc.constant('refresh'), token: fc.string({ maxLength: 40 }), id: validId }),
  fc.record({ type: fc.constantFrom('ping', 'pong') }),
);

/** Hostile replacements for one field of a frame. */
const overrides = {
  type: fc.oneof(clientType, hostileValue),
  thread: threadField,
  data: hostileValue,
  to: toField,
  offset: offsetField,
  token: hostileValue,
  id: idField,
  extra: hostileValue,
} as const;
const overrideKeys = Object.keys(overrides) as (keyof typeof overrides)[];

/**
 * Client frames of PROTOCOL.md, valid or with up to three fields replaced by hostile values
 * (huge strings, prototype keys, odd numbers, deep nesting, wrong types, B's thread and user).
 */
const hostileFrame: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(validFrame, fc.subarray(overrideKeys, { maxLength: 3 }))
  .chain(([frame, keys]) =>
    fc.tuple(...keys.map((k) => overrides[k])).map((values) => {
      const out: Record<string, unknown> = { ...frame };
      keys.forEach((k, i) => {
        out[k] = values[i];
      });
      return out;
    }),
  );

/** Frames of a `wsm.v1.json` connection. */
const jsonFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.jsonValue().map((v) => ({ binary: false, payload: JSON.stringify(v) })),
  },
  // Bytes close the connection (1007 / 1003) mostly, so they come less often.
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ binary: false, payload: b })),
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ binary: true, payload: b })),
  { weight: 4, arbitrary: hostileFrame.map((f) => ({ binary: false, payload: hostileJson(f) })) },
);

/** Frames of a `wsm.v1.msgpack` connection. */
const msgpackFrame: fc.Arbitrary<FuzzFrame> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.jsonValue(), fc.uint8Array({ maxLength: 64 }), hostileValue)
      .map((v) => ({ binary: true, payload: encode(v) })),
  },
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ binary: true, payload: b })),
  { weight: 4, arbitrary: hostileFrame.map((f) => ({ binary: true, payload: encode(f) })) },
  hostileFrame.map((f) => ({ binary: false, payload: hostileJson(f) })),
);

const violation: fc.Arbitrary<FuzzViolation> = fc.record({
  kind: fc.constantFrom('unmasked', 'rsv', 'opcode', 'oversize', 'utf8'),
  payload: fc.uint8Array({ maxLength: 256 }),
  rsv: fc.integer({ min: 1, max: 7 }),
  opcode: fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15),
});

/**
 * Frames of one connection: half the time after a valid join of the attacker's own thread, and
 * one time in eight followed by a flood of one frame repeated past the inbound budget's burst
 * (100), so `rate_limited` and the 1008 close after `maxViolations` are reached too.
 */
function framesOf(frame: fc.Arbitrary<FuzzFrame>, binary: boolean): fc.Arbitrary<FuzzFrame[]> {
  const join: FuzzFrame = binary
    ? { binary: true, payload: encode({ type: 'join', thread: `${ATTACKER}:room` }) }
    : { binary: false, payload: JSON.stringify({ type: 'join', thread: `${ATTACKER}:room` }) };
  const flood = fc.oneof(
    { weight: 7, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 130 }) },
  );
  return fc
    .tuple(fc.boolean(), fc.array(frame, { minLength: 1, maxLength: 6 }), flood)
    .map(([joinFirst, frames, repeat]) => {
      const last = frames[frames.length - 1] as FuzzFrame;
      const all = joinFirst ? [join, ...frames] : frames;
      return repeat === undefined ? all : [...all, ...Array<FuzzFrame>(repeat).fill(last)];
    });
}

/** Every scenario of the fuzz property, as one `fc.oneof`. */
export const fuzzScenario: fc.Arbitrary<FuzzScenario> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      via: fc.constant('wsm.v1.json' as const),
      frames: framesOf(jsonFrame, false),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      via: fc.constant('wsm.v1.msgpack' as const),
      frames: framesOf(msgpackFrame, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ via: fc.constant('raw' as const), violation }) },
);
