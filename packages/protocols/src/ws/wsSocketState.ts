import type { SocketLike } from '@ws/core';
import type { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import type { Listener, Listeners } from '../internal/listeners.js';

/** The data of one wrapped socket; its behaviour lives on the adapter's prototype. */
export interface WsSocketState {
  readonly ws: WebSocket;
  readonly protocol: string;
  readonly textOnly: boolean;
  readonly onError: (err: unknown) => void;
  /** Set once the close was reported to the listeners. */
  closeInfo: [number, string] | undefined;
  /** Frames held until the end of the tick (coalescing): one buffer, or several in order. */
  pending: Buffer | Buffer[] | undefined;
  /** Bytes in `pending` (reported in `bufferedAmount`). */
  pendingBytes: number;
  /** The socket negotiated no extension (known once open; undefined before). */
  plain: boolean | undefined;
  messages: Listeners<[string | Uint8Array]>;
  closes: Listeners<[number, string]>;
  pongs: Listeners<[]>;
  /** The first add of each event, unsubscribed by a bound function (see `addListenerFirst`). */
  firstMessage: Listener<[string | Uint8Array]> | null | undefined;
  firstClose: Listener<[number, string]> | null | undefined;
  firstPong: Listener<[]> | null | undefined;
}

/** A wrapped socket: its state, with the adapter's prototype (core's `SocketLike`) behind it. */
export type WsSocket = SocketLike & WsSocketState;
