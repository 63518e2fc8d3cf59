import type { SocketLike } from '@ws/core';
import type { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';

/** Options of `createWsAdapter`. */
export interface WsAdapterOptions {
  /**
   * Coalesce the writes of one tick to one socket: frames written during one tick are held and
   * leave together at its end (`process.nextTick`, before any I/O), so a burst (a broadcast
   * storm, a replay, several messages in one tick) costs one system call per socket instead of
   * one per frame. A single frame leaves at the same point of the event loop as before, with
   * no added wait for I/O or timers.
   * @default true
   */
  readonly coalesceWrites?: boolean;
  /**
   * Write batching (Centrifugo's write delay): hold a socket's frames up to this long, in ms, and
   * write what gathered in one system call, for every socket of the adapter at once (one timer
   * per adapter). It trades up to this much latency for fewer writes when sockets get a frame
   * every tick or two (a busy app's fan-out), where per-tick coalescing finds one frame to
   * write. `bufferedAmount` counts the held bytes; `close()` sends them first. Frames that take
   * `ws`'s own send path (permessage-deflate, `ws` sends queued) are not delayed. 0 turns it
   * off; it replaces per-tick coalescing when on.
   * @default 0
   */
  readonly writeDelayMs?: number;
}

/** Options of one socket, given to {@link WsAdapter.wrap}. */
export interface WsSocketOptions {
  /**
   * Refuse binary frames (the subprotocol is text-only): such a frame closes the socket with
   * 1003 and never reaches core.
   * @default false
   */
  readonly textOnly?: boolean;
  /**
   * The protocol reported to core.
   * @default ws.protocol
   */
  readonly protocol?: string;
  /**
   * Keep the socket paused (no reads) until core attaches its message listener, so no frame is
   * lost between the upgrade and `connectUser`.
   * @default true
   */
  readonly pauseUntilListening?: boolean;
  /**
   * Receives transport errors (`ws` 'error' events: protocol violations, resets) and listener
   * failures; never throws back.
   * @default ignore
   */
  readonly onError?: (err: unknown) => void;
}

/** Defaults of `createWsAdapter` and {@link WsAdapter.wrap}. */
export const wsAdapterDefaults = {
  coalesceWrites: true,
  writeDelayMs: 0,
  textOnly: false,
  pauseUntilListening: true,
} as const;

/** A frame prepared once per send and written as it is to every socket of the adapter. */
export interface PreparedMessage {
  readonly data: string | Uint8Array;
  readonly frame: Buffer;
}

/** Wraps `ws` server sockets into core's `SocketLike`, sharing one `prepare` fast path. */
export interface WsAdapter {
  wrap(ws: WebSocket, options?: WsSocketOptions): SocketLike;
  /** The one `prepare` function of every socket this adapter wraps (core keys its cache on it). */
  readonly prepare: (data: string | Uint8Array) => PreparedMessage;
}
