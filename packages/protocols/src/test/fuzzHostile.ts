/**
 * Hostile values and client frames for the fuzz property: huge strings, prototype keys, odd
 * numbers (NaN, infinities, -0, past 2^53), deep nesting, wrong types, and the bystander's thread
 * and user in place of the attacker's.
 */
import fc from 'fast-check';
import { ATTACKER, BYSTANDER, BYSTANDER_THREAD } from './fuzzActors.js';

/** Sentinels for numbers JSON.stringify cannot write; replaced by overflowing literals. */
const INF = '\u0001+inf';
const NEG_INF = '\u0001-inf';

/** JSON text of a value; non-finite numbers become `1e999` / `-1e999` (JSON.parse: ±Infinity). */
export function hostileJson(value: unknown): string {
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

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
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
export const hostileFrame: fc.Arbitrary<Record<string, unknown>> = fc
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
