/**
 * Inputs of the fuzz property (`ws/fuzz.property.test.ts`): what one attacker connection sends.
 * A scenario is either a `ws` connection on `wsm.v1.json` or `wsm.v1.msgpack` sending a short
 * list of frames, or a raw TCP connection writing one WebSocket framing violation.
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { ATTACKER } from './fuzzActors.js';
import { hostileFrame, hostileJson, hostileValue } from './fuzzHostile.js';

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
