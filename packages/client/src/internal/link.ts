import type { ClientCodec } from '../codec.js';
import { ClientError } from '../errors.js';
import type { ClientState } from '../events.js';
import type { ClientFrame } from '../frames.js';
import type { WebSocketLike } from '../socket.js';

/** The client's state and its current socket, shared by the parts that write frames. */
export interface Link {
  state: ClientState;
  /** The socket of the current attempt or connection; undefined between sockets. */
  socket: WebSocketLike | undefined;
  readonly codec: ClientCodec;
}

export function createLink(codec: ClientCodec): Link {
  return { state: 'idle', socket: undefined, codec };
}

/** True while requests may go on the wire: `welcome` arrived and the socket is open. */
export function isLinkOpen(link: Link): boolean {
  return link.state === 'open' && link.socket !== undefined && link.socket.readyState === 1;
}

/** Encodes a frame and writes it on the current socket; throws `codec_error` when it cannot be encoded. */
export function writeFrame(link: Link, frame: ClientFrame): void {
  let bytes: string | Uint8Array;
  try {
    bytes = link.codec.encode(frame);
  } catch (err) {
    throw new ClientError('codec_error', `could not encode ${frame.type}: ${String(err)}`, {
      cause: err,
    });
  }
  link.socket?.send(bytes);
}

/** Writes a request without an id (no ack comes back) when open; false when not sent. */
export function sendVolatile(link: Link, frame: ClientFrame): boolean {
  if (!isLinkOpen(link)) return false;
  writeFrame(link, frame);
  return true;
}
