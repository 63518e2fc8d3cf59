import { decode, encode } from '@msgpack/msgpack';
import type { ClientCodec } from './codec.js';
import { subprotocols } from './frames.js';

/**
 * The codec of `wsm.v1.msgpack`, from `@ws/client/msgpack` so the JSON-only bundle stays small
 * (needs the optional peer dependency `@msgpack/msgpack`):
 * `createClient({ url, protocol: 'msgpack', codec: msgpackCodec() })`.
 */
export function msgpackCodec(): ClientCodec {
  return {
    name: subprotocols.msgpack,
    encode: (frame) => encode(frame, { ignoreUndefined: true }),
    decode(data) {
      if (typeof data === 'string')
        throw new TypeError('text frame on the MessagePack subprotocol');
      return decode(data);
    },
  };
}
