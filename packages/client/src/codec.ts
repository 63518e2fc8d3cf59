import type { ClientFrame } from './frames.js';
import { subprotocols } from './frames.js';

/** Turns the client's frames into bytes and the server's back. One per client. */
export interface ClientCodec {
  /** The subprotocol offered to the server, e.g. `wsm.v1.json`. */
  readonly name: string;
  encode(frame: ClientFrame): string | Uint8Array;
  /** Decodes one inbound message; throws on garbage (the client then ignores the message). */
  decode(data: string | Uint8Array): unknown;
}

/** The codec of `wsm.v1.json` (the default): `JSON.stringify` / `JSON.parse`. */
export function jsonCodec(): ClientCodec {
  return {
    name: subprotocols.json,
    encode: (frame) => JSON.stringify(frame),
    decode(data) {
      if (typeof data !== 'string') throw new TypeError('binary frame on the JSON subprotocol');
      return JSON.parse(data) as unknown;
    },
  };
}
