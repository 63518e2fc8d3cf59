import type { ServerResponse } from 'node:http';
import type { SocketLike } from '@ws/core';
import type { TickFlusher } from './tickFlusher.js';

/** The first event of a stream: where and how the client POSTs its frames. */
export interface SseSession {
  readonly connectionId: string;
  readonly postSecret: string;
}

/** Options of {@link createSseSocket}. */
export interface SseSocketOptions {
  /**
   * Interval of the `: ka` keep-alive comment, in milliseconds; 0 turns it off.
   * @default 15000
   */
  readonly keepAliveMs?: number;
  /**
   * Coalesces this stream's writes of one tick into one `res.write` (shared by the streams of
   * one transport).
   * @default none: every frame is its own `res.write`
   */
  readonly flusher?: TickFlusher;
}

/** A Server-Sent Events response seen as core's {@link SocketLike}, plus its session step. */
export interface SseSocket {
  readonly socket: SocketLike;
  /** Writes the `session` event, then the frames core sent before it (the welcome). */
  open(session: SseSession): void;
}

type CloseListener = (code: number, reason: string) => void;

/**
 * A frame as the stream's bytes, made once per send for every stream it goes to: core keys its
 * prepared frame on this function (one for every SSE socket), so a thread fan-out encodes
 * `data: <frame>\n\n` once instead of once per stream (bench:http-transport, burst: 5.4 us to
 * 3.9 us of server CPU per delivered message, 7.5x to 5.7x WebSocket; see bench/README.md).
 */
function prepareSse(data: string | Uint8Array): Buffer {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  return Buffer.from(`data: ${text}\n\n`);
}

const closeEvent = (code: number, reason: string): string =>
  `event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`;

/**
 * Wraps `res` (headers not yet sent) as a socket that core writes to: each frame becomes
 * `data: <frame>\n\n`, `close(code, reason)` an `event: close` and the end of the response,
 * `terminate()` a destroyed response (the client sees 1006). Writes are held until
 * {@link SseSocket.open} so the `session` event comes first; a close before it (connectUser
 * refused) drops them and writes only the `close` event. Downstream only: no `onMessage`
 * input (frames arrive by POST through `manager.receive`), no protocol ping.
 */
export function createSseSocket(res: ServerResponse, options: SseSocketOptions = {}): SseSocket {
  const keepAliveMs = options.keepAliveMs ?? 15000;
  const closeListeners = new Set<CloseListener>();
  let held: (string | Buffer)[] | undefined = [];
  // Written after open, waiting for the flusher (this tick's frames).
  let pending: Buffer[] | undefined;
  let pendingBytes = 0;
  let readyState: 0 | 1 | 2 | 3 = 1;
  let timer: ReturnType<typeof setInterval> | undefined;

  const finish = (code: number, reason: string): void => {
    if (readyState === 3) return;
    readyState = 3;
    if (timer !== undefined) clearInterval(timer);
    held = undefined;
    for (const listener of [...closeListeners]) listener(code, reason);
    closeListeners.clear();
  };
  const onGone = (): void => finish(1006, '');
  res.once('close', onGone);

  const flush = (): void => {
    const due = pending;
    if (due === undefined) return;
    pending = undefined;
    const bytes = pendingBytes;
    pendingBytes = 0;
    if (readyState === 1) res.write(due.length === 1 ? due[0] : Buffer.concat(due, bytes));
  };
  const write = (chunk: string | Buffer): void => {
    if (readyState !== 1) return;
    if (held !== undefined) held.push(chunk);
    else if (options.flusher === undefined) res.write(chunk);
    else {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (pending === undefined) {
        pending = [bytes];
        options.flusher.later(flush);
      } else pending.push(bytes);
      pendingBytes += bytes.length;
    }
  };

  const socket: SocketLike = {
    get readyState() {
      return readyState;
    },
    get bufferedAmount() {
      const queued = held?.reduce((n, chunk) => n + Buffer.byteLength(chunk), 0) ?? pendingBytes;
      return queued + res.writableLength + (res.socket?.writableLength ?? 0);
    },
    protocol: 'wsm.v1.json',
    send(data) {
      write(prepareSse(data));
    },
    prepare: prepareSse,
    sendPrepared(prepared) {
      write(prepared as Buffer);
    },
    close(code = 1000, reason = '') {
      if (readyState !== 1) return;
      res.off('close', onGone);
      if (held === undefined) flush(); // this tick's frames go out before the close
      held = undefined;
      res.end(closeEvent(code, reason));
      finish(code, reason);
    },
    terminate() {
      if (readyState === 3) return;
      res.off('close', onGone);
      res.destroy();
      finish(1006, '');
    },
    onMessage() {
      return () => undefined;
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
  };

  const open = (session: SseSession): void => {
    if (readyState !== 1 || held === undefined) return;
    const pending = held;
    held = undefined;
    res.write(`event: session\ndata: ${JSON.stringify(session)}\n\n`);
    for (const chunk of pending) res.write(chunk);
    if (keepAliveMs > 0) {
      timer = setInterval(() => write(': ka\n\n'), keepAliveMs);
      timer.unref();
    }
  };

  return { socket, open };
}
