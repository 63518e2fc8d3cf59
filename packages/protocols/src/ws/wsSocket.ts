import type { SocketLike } from '@ws/core';
import { CloseCode } from '@ws/core';
import { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import { closeReason } from '../internal/closeReason.js';
import type { Listener, Listeners } from '../internal/listeners.js';
import {
  addListenerFirst,
  emitListeners,
  lateCloseListener,
  removeFirstListener,
} from '../internal/listeners.js';
import { frameMessage } from './frame.js';

/** Options of {@link createWsAdapter}. */
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

/** Defaults of {@link createWsAdapter} and {@link WsAdapter.wrap}. */
export const wsAdapterDefaults = {
  coalesceWrites: true,
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

/** The `ws` internals the fast path checks; any mismatch falls back to `ws.send`. */
interface WsInternals {
  readonly _socket?: {
    readonly destroyed: boolean;
    readonly writable: boolean;
    write(chunk: Uint8Array): boolean;
    cork(): void;
    uncork(): void;
  } | null;
  readonly _sender?: { readonly _state?: unknown; readonly _queue?: readonly unknown[] };
}

type RawSocket = NonNullable<WsInternals['_socket']>;

function rawSocketOf(ws: WebSocket): RawSocket | undefined {
  const raw = (ws as unknown as WsInternals)._socket;
  return raw !== null && raw !== undefined && typeof raw.write === 'function' ? raw : undefined;
}

/** True when a prepared frame may be written straight to the TCP socket. */
function canWriteRaw(s: WsSocketState, raw: RawSocket | undefined): raw is RawSocket {
  const ws = s.ws;
  if (raw === undefined || ws.readyState !== 1) return false;
  // Extensions are settled once open; `ws.extensions` builds a string on every read.
  if (s.plain === undefined) s.plain = ws.extensions === '';
  if (!s.plain) return false;
  if (raw.destroyed || !raw.writable) return false;
  const sender = (ws as unknown as WsInternals)._sender;
  // Sender state 0 is ws's DEFAULT: nothing of ws's own is waiting (deflate, blob reads).
  return (
    sender !== undefined &&
    sender._state === 0 &&
    Array.isArray(sender._queue) &&
    sender._queue.length === 0
  );
}

function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** The data of one wrapped socket; its behaviour lives on the adapter's prototype. */
interface WsSocketState {
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

type WsSocket = SocketLike & WsSocketState;

// The unsubscribes of the first listener of each event, bound to the socket when handed out.
function removeFirstMessage(this: WsSocket): void {
  removeFirstListener(this, 'messages', 'firstMessage');
}
function removeFirstClose(this: WsSocket): void {
  removeFirstListener(this, 'closes', 'firstClose');
}
function removeFirstPong(this: WsSocket): void {
  removeFirstListener(this, 'pongs', 'firstPong');
}

const ignore = (): void => {};

/** Above this many held bytes a flush writes the frames as they are (writev) instead of joining them. */
const JOIN_LIMIT = 16 * 1024;

/**
 * Writes the frames a socket holds, in order, in one system call. Dropped when the socket is no
 * longer open (the peer's close arrived in the same tick: no data may follow a close frame).
 */
function flushSocket(s: WsSocket): void {
  const held = s.pending;
  if (held === undefined) return;
  const bytes = s.pendingBytes;
  s.pending = undefined;
  s.pendingBytes = 0;
  const raw = rawSocketOf(s.ws);
  if (raw === undefined || s.ws.readyState !== 1 || raw.destroyed || !raw.writable) return;
  if (!Array.isArray(held)) {
    raw.write(held);
  } else if (bytes <= JOIN_LIMIT) {
    raw.write(Buffer.concat(held, bytes));
  } else {
    raw.cork();
    for (const frame of held) raw.write(frame);
    raw.uncork();
  }
}

function closeWs(ws: WebSocket, code: number | undefined, reason: string | undefined): void {
  if (ws.readyState >= 2) return;
  if (ws.isPaused) ws.resume(); // read the peer's close frame
  const c = code ?? CloseCode.normal;
  ws.close(isValidCloseCode(c) ? c : CloseCode.normal, closeReason(reason));
}

/** Reports the close to the listeners, once, then forgets every listener. */
function emitClose(s: WsSocket, code: number, reason: string): void {
  if (s.closeInfo !== undefined) return;
  s.closeInfo = [code, reason];
  emitListeners(s.closes, s.onError, code, reason);
  s.messages = undefined;
  s.closes = undefined;
  s.pongs = undefined;
}

function onWsMessage(s: WsSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  if (s.closeInfo !== undefined) return;
  if (isBinary && s.textOnly) {
    // A close the adapter decides: core forgets the connection now, not after the peer's reply.
    const reason = `binary frames are not accepted on ${s.protocol || 'this protocol'}`;
    closeWs(s.ws, CloseCode.unsupportedData, reason);
    emitClose(s, CloseCode.unsupportedData, reason);
    return;
  }
  const buf = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : data;
  emitListeners(s.messages, s.onError, isBinary ? buf : buf.toString('utf8'));
}

/**
 * Creates an adapter for `ws` server sockets. Every socket it wraps shares one `prepare`
 * function, so core frames a broadcast once (`frameMessage`) and writes the same bytes to each
 * TCP socket; a socket with permessage-deflate, or with `ws` sends still queued, or not plainly
 * OPEN, falls back to `ws.send`. Protocol-level ping/pong are `ws.ping()` and its 'pong' events;
 * `terminate()` is `ws.terminate()`.
 *
 * A wrapped socket is one object of data fields: its methods and getters sit on one prototype per
 * adapter, its listeners are plain fields, and the `ws` events reach it through four functions
 * shared by every socket of the adapter (no closures per socket).
 */
export function createWsAdapter(options: WsAdapterOptions = {}): WsAdapter {
  const coalesce = options.coalesceWrites ?? wsAdapterDefaults.coalesceWrites;
  const prepare = (data: string | Uint8Array): PreparedMessage => ({
    data,
    frame: frameMessage(data),
  });

  // Coalescing: the frames of one tick are held per socket and flushed together by one
  // nextTick per adapter (not one per socket), so a burst leaves in one write per socket.
  let held: WsSocket[] = [];
  let flushScheduled = false;
  const flushAll = (): void => {
    flushScheduled = false;
    const list = held;
    held = [];
    for (const s of list) flushSocket(s);
  };
  const writeFrame = (s: WsSocket, raw: RawSocket, frame: Buffer): void => {
    if (!coalesce) {
      raw.write(frame);
      return;
    }
    const p = s.pending;
    if (p === undefined) {
      s.pending = frame;
      held.push(s);
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flushAll);
      }
    } else if (Array.isArray(p)) {
      p.push(frame);
    } else {
      s.pending = [p, frame];
    }
    s.pendingBytes += frame.length;
  };
  // One send path for `send` and `sendPrepared`: the framed fast path (frame built only when it
  // applies, unless already prepared), else `ws.send` after the frames already held.
  const sendData = (s: WsSocket, data: string | Uint8Array, frame: Buffer | undefined): void => {
    const ws = s.ws;
    const raw = rawSocketOf(ws);
    if (canWriteRaw(s, raw)) {
      writeFrame(s, raw, frame ?? frameMessage(data));
    } else if (ws.readyState === 1) {
      flushSocket(s);
      ws.send(data, { binary: typeof data !== 'string' });
    }
  };

  // The listeners given to `ws` are the same four functions for every socket: `ws` calls them
  // with the WebSocket as `this`, and the wrapper sits on it under this adapter's own symbol (a
  // property load; a WeakMap entry per connection cost more memory and a lookup per event).
  const wrapperKey: unique symbol = Symbol('@ws/protocols wrapper');
  type Wrapped = WebSocket & { [wrapperKey]?: WsSocket };
  const wrappers = {
    get: (ws: WebSocket): WsSocket | undefined => (ws as Wrapped)[wrapperKey],
    has: (ws: WebSocket): boolean => (ws as Wrapped)[wrapperKey] !== undefined,
    set: (ws: WebSocket, s: WsSocket): void => {
      (ws as Wrapped)[wrapperKey] = s;
    },
  };
  function onMessage(
    this: WebSocket,
    data: Buffer | ArrayBuffer | Buffer[],
    isBinary: boolean,
  ): void {
    const s = wrappers.get(this);
    if (s !== undefined) onWsMessage(s, data, isBinary);
  }
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const s = wrappers.get(this);
    if (s !== undefined) emitClose(s, code, reason.toString('utf8'));
  }
  function onPong(this: WebSocket): void {
    const s = wrappers.get(this);
    if (s !== undefined) emitListeners(s.pongs, s.onError);
  }
  function onError(this: WebSocket, err: Error): void {
    wrappers.get(this)?.onError(err);
  }

  // Getters on a prototype, not on each socket's object: a getter on an object literal puts it
  // in V8's slow dictionary mode (about 0.8 KiB more per connection, and slower loads).
  const proto: Omit<SocketLike, 'protocol'> & ThisType<WsSocket> = {
    get readyState(): 0 | 1 | 2 | 3 {
      return this.ws.readyState;
    },
    get bufferedAmount(): number {
      return this.ws.bufferedAmount + this.pendingBytes;
    },
    send(data) {
      sendData(this, data, undefined);
    },
    close(code, reason) {
      // Frames already sent leave before the close frame.
      flushSocket(this);
      closeWs(this.ws, code, reason);
    },
    terminate() {
      this.pending = undefined;
      this.pendingBytes = 0;
      this.ws.terminate();
    },
    ping() {
      if (this.ws.readyState !== 1) return;
      this.ws.ping();
    },
    onMessage(listener) {
      const off = addListenerFirst(this, 'messages', 'firstMessage', listener, removeFirstMessage);
      const ws = this.ws;
      if (ws.isPaused && ws.readyState === 1) ws.resume();
      return off;
    },
    onClose(listener) {
      const closed = this.closeInfo;
      return closed === undefined
        ? addListenerFirst(this, 'closes', 'firstClose', listener, removeFirstClose)
        : lateCloseListener(closed, listener);
    },
    onPong(listener) {
      return addListenerFirst(this, 'pongs', 'firstPong', listener, removeFirstPong);
    },
    prepare,
    sendPrepared(prepared) {
      const p = prepared as PreparedMessage;
      sendData(this, p.data, p.frame);
    },
  };

  const wrap = (ws: WebSocket, o: WsSocketOptions = {}): SocketLike => {
    const state: WsSocketState = {
      ws,
      protocol: o.protocol ?? ws.protocol,
      textOnly: o.textOnly ?? wsAdapterDefaults.textOnly,
      onError: o.onError ?? ignore,
      closeInfo: undefined,
      pending: undefined,
      pendingBytes: 0,
      plain: undefined,
      messages: undefined,
      closes: undefined,
      pongs: undefined,
      firstMessage: undefined,
      firstClose: undefined,
      firstPong: undefined,
    };
    const s = Object.setPrototypeOf(state, proto) as WsSocket;
    ws.binaryType = 'nodebuffer';
    if (wrappers.has(ws)) {
      // Wrapped twice by this adapter (the map holds the first wrapper): listeners of its own.
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
        onWsMessage(s, data, isBinary),
      );
      ws.on('close', (code: number, reason: Buffer) => emitClose(s, code, reason.toString('utf8')));
      ws.on('pong', () => emitListeners(s.pongs, s.onError));
      ws.on('error', (err: Error) => s.onError(err));
    } else {
      wrappers.set(ws, s);
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.on('pong', onPong);
      ws.on('error', onError);
    }
    if (o.pauseUntilListening ?? wsAdapterDefaults.pauseUntilListening) ws.pause();
    return s;
  };

  return { wrap, prepare };
}
