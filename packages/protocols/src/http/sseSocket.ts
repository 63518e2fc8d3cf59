import type { ServerResponse } from 'node:http';
import type { SocketLike } from '@ws/core';

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
}

/** A Server-Sent Events response seen as core's {@link SocketLike}, plus its session step. */
export interface SseSocket {
  readonly socket: SocketLike;
  /** Writes the `session` event, then the frames core sent before it (the welcome). */
  open(session: SseSession): void;
}

type CloseListener = (code: number, reason: string) => void;

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
  let held: string[] | undefined = [];
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

  const write = (chunk: string): void => {
    if (readyState !== 1) return;
    if (held !== undefined) held.push(chunk);
    else res.write(chunk);
  };

  const socket: SocketLike = {
    get readyState() {
      return readyState;
    },
    get bufferedAmount() {
      const queued = held?.reduce((n, chunk) => n + Buffer.byteLength(chunk), 0) ?? 0;
      return queued + res.writableLength + (res.socket?.writableLength ?? 0);
    },
    protocol: 'wsm.v1.json',
    send(data) {
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      write(`data: ${text}\n\n`);
    },
    close(code = 1000, reason = '') {
      if (readyState !== 1) return;
      res.off('close', onGone);
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
