import type { SocketLike } from '@ws/core';
import { CloseCode } from '@ws/core';
import { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import { closeReason } from '../internal/closeReason.js';
import { addCloseListener, createListenerSet } from '../internal/listeners.js';
import { frameMessage } from './frame.js';

/** Options of {@link createWsAdapter}. */
export interface WsAdapterOptions {
  /**
   * Coalesce the writes of one tick to one socket: the first write goes out at once, later ones
   * in the same tick are corked and leave together on the next tick (`uncork()`), so a burst (a
   * replay, several messages in one tick) costs one system call instead of one per frame.
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
export const wsAdapterDefaults = { coalesceWrites: true, textOnly: false, pauseUntilListening: true } as const;

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
function canWriteRaw(ws: WebSocket, raw: RawSocket | undefined): raw is RawSocket {
  if (raw === undefined || ws.readyState !== 1 || ws.extensions !== '') return false;
  if (raw.destroyed || !raw.writable) return false;
  const sender = (ws as unknown as WsInternals)._sender;
  // Sender state 0 is ws's DEFAULT: nothing of ws's own is waiting (deflate, blob reads).
  return sender !== undefined && sender._state === 0 && Array.isArray(sender._queue) && sender._queue.length === 0;
}

function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/**
 * Creates an adapter for `ws` server sockets. Every socket it wraps shares one `prepare`
 * function, so core frames a broadcast once (`frameMessage`) and writes the same bytes to each
 * TCP socket; a socket with permessage-deflate, or with `ws` sends still queued, or not plainly
 * OPEN, falls back to `ws.send`. Protocol-level ping/pong are `ws.ping()` and its 'pong' events;
 * `terminate()` is `ws.terminate()`.
 */
export function createWsAdapter(options: WsAdapterOptions = {}): WsAdapter {
  const coalesce = options.coalesceWrites ?? wsAdapterDefaults.coalesceWrites;
  const prepare = (data: string | Uint8Array): PreparedMessage => ({ data, frame: frameMessage(data) });
  // The live getters sit on one prototype per adapter: a getter on each socket's own object
  // literal would put every socket in V8's slow dictionary mode (about 0.8 KiB more per
  // connection, and slower property loads on the send path).
  const kWs = Symbol('ws');
  type Holder = { readonly [kWs]: WebSocket };
  const socketProto = Object.freeze({
    get readyState(): 0 | 1 | 2 | 3 {
      return (this as unknown as Holder)[kWs].readyState;
    },
    get bufferedAmount(): number {
      return (this as unknown as Holder)[kWs].bufferedAmount;
    },
  });

  const wrap = (ws: WebSocket, o: WsSocketOptions = {}): SocketLike => {
    const onError = o.onError ?? (() => {});
    const textOnly = o.textOnly ?? wsAdapterDefaults.textOnly;
    const protocol = o.protocol ?? ws.protocol;
    const messages = createListenerSet<[string | Uint8Array]>(onError);
    const closes = createListenerSet<[number, string]>(onError);
    const pongs = createListenerSet<[]>(onError);
    let closeInfo: [number, string] | undefined;
    // Coalescing: the first write of a tick goes out at once (no added latency); from the second
    // write in the same tick on, the socket is corked until the next tick, so a burst leaves in
    // one writev instead of one system call per frame.
    let writesThisTick = 0;
    let corked: RawSocket | undefined;
    const endTick = (): void => {
      writesThisTick = 0;
      const raw = corked;
      corked = undefined;
      raw?.uncork();
    };
    const corkFor = (raw: RawSocket | undefined): void => {
      if (!coalesce || raw === undefined) return;
      if (writesThisTick++ === 0) {
        process.nextTick(endTick);
        return;
      }
      if (corked === undefined) {
        raw.cork();
        corked = raw;
      }
    };

    const close = (code?: number, reason?: string): void => {
      if (ws.readyState >= 2) return;
      if (ws.isPaused) ws.resume(); // read the peer's close frame
      const c = code ?? CloseCode.normal;
      ws.close(isValidCloseCode(c) ? c : CloseCode.normal, closeReason(reason));
    };

    const emitClose = (code: number, reason: string): void => {
      if (closeInfo !== undefined) return;
      closeInfo = [code, reason];
      closes.emit(code, reason);
      messages.clear();
      closes.clear();
      pongs.clear();
    };
    /** A close the adapter decides: core forgets the connection now, not after the peer's reply. */
    const refuse = (code: number, reason: string): void => {
      close(code, reason);
      emitClose(code, reason);
    };

    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (closeInfo !== undefined) return;
      if (isBinary && textOnly) {
        refuse(CloseCode.unsupportedData, `binary frames are not accepted on ${protocol || 'this protocol'}`);
        return;
      }
      const buf = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      messages.emit(isBinary ? buf : buf.toString('utf8'));
    });
    ws.on('close', (code: number, reason: Buffer) => emitClose(code, reason.toString('utf8')));
    ws.on('pong', () => pongs.emit());
    ws.on('error', (err: Error) => onError(err));
    if (o.pauseUntilListening ?? wsAdapterDefaults.pauseUntilListening) ws.pause();

    const own: Omit<SocketLike, 'readyState' | 'bufferedAmount'> & Holder = {
      [kWs]: ws,
      protocol,
      send(data) {
        // The same fast path as sendPrepared: one frame buffer, one write (corked after the
        // tick's first), bypassing ws's Sender; ws.send whenever the fast path does not apply.
        const raw = rawSocketOf(ws);
        if (canWriteRaw(ws, raw)) {
          corkFor(raw);
          raw.write(frameMessage(data));
        } else if (ws.readyState === 1) {
          corkFor(raw);
          ws.send(data, { binary: typeof data !== 'string' });
        }
      },
      close,
      terminate() {
        corked = undefined;
        ws.terminate();
      },
      ping() {
        if (ws.readyState !== 1) return;
        ws.ping();
      },
      onMessage(listener) {
        const off = messages.add(listener);
        if (ws.isPaused && ws.readyState === 1) ws.resume();
        return off;
      },
      onClose: (listener) => addCloseListener(closes, closeInfo, listener),
      onPong: (listener) => pongs.add(listener),
      prepare,
      sendPrepared(prepared) {
        const p = prepared as PreparedMessage;
        const raw = rawSocketOf(ws);
        if (canWriteRaw(ws, raw)) {
          corkFor(raw);
          raw.write(p.frame);
        } else if (ws.readyState === 1) {
          ws.send(p.data, { binary: typeof p.data !== 'string' });
        }
      },
    };
    return Object.assign(Object.create(socketProto) as typeof socketProto, own);
  };

  return { wrap, prepare };
}
