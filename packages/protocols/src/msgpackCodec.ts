import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Codec, OptionKeys } from '@ws/core';
import { WsError, subprotocols, checkOptionKeys } from '@ws/core';
import { msgpackDepthExceeds } from './msgpackDepth.js';
import { stripPrototypeKeys } from './internal/stripPrototypeKeys.js';

/** Options of {@link createMsgpackCodec}. */
export interface MsgpackCodecOptions {
  /**
   * Deepest nesting of arrays and maps accepted; checked on the raw bytes before decoding.
   * @default 32
   */
  readonly maxDepth?: number;
  /**
   * Subprotocol name reported by the codec.
   * @default 'wsm.v1.msgpack'
   */
  readonly name?: string;
}

/** Defaults of {@link createMsgpackCodec}. */
export const msgpackCodecDefaults = { maxDepth: 32, name: subprotocols.msgpack } as const;

const createMsgpackCodecOptionKeys = {
  maxDepth: true,
  name: true,
} as const satisfies OptionKeys<MsgpackCodecOptions>;

/**
 * The MessagePack codec of `wsm.v1.msgpack` (binary frames, `@msgpack/msgpack`). Inbound bytes
 * get the same protection as JSON: a depth check on the raw bytes before anything recursive
 * touches them, maps decoded into plain objects, `__proto__` keys refused by the decoder (so a
 * prototype is never reached), `constructor` / `prototype` keys dropped. Text frames are refused
 * with `bad_request`.
 */
export function createMsgpackCodec(options: MsgpackCodecOptions = {}): Codec {
  checkOptionKeys<MsgpackCodecOptions>(
    options,
    createMsgpackCodecOptionKeys,
    'createMsgpackCodec options',
  );
  const maxDepth = options.maxDepth ?? msgpackCodecDefaults.maxDepth;
  const name = options.name ?? msgpackCodecDefaults.name;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) {
    throw new WsError(
      'invalid_options',
      `maxDepth must be a positive integer, got ${String(maxDepth)}`,
    );
  }
  const encoder = new Encoder({ ignoreUndefined: true });
  const decoder = new Decoder();
  return {
    name,
    binary: true,
    encode: (frame) => encoder.encode(frame),
    decode(data) {
      if (typeof data === 'string') {
        throw new WsError('bad_request', `${name} expects binary frames`);
      }
      if (msgpackDepthExceeds(data, maxDepth)) {
        throw new WsError('bad_request', `frame nests deeper than ${maxDepth} levels`);
      }
      let value: unknown;
      try {
        value = decoder.decode(data);
      } catch (cause) {
        throw new WsError('bad_request', 'frame is not valid MessagePack', { cause });
      }
      return stripPrototypeKeys(value);
    },
  };
}
