import { Buffer } from 'node:buffer';
import { frameMessage } from './frame.js';
import type { RawSocket } from './rawWrite.js';
import { rawSocketOf, senderIdle } from './rawWrite.js';
import type { WsSocket } from './wsSocketState.js';

/** Above this many held bytes a flush writes the frames as they are (writev) instead of joining them. */
const JOIN_LIMIT = 16 * 1024;

/** True when a prepared frame may be written straight to the TCP socket. */
function canWriteRaw(s: WsSocket, raw: RawSocket | undefined): raw is RawSocket {
  const ws = s.ws;
  if (raw === undefined || ws.readyState !== 1) return false;
  // Extensions are settled once open; `ws.extensions` builds a string on every read.
  if (s.plain === undefined) s.plain = ws.extensions === '';
  if (!s.plain) return false;
  if (raw.destroyed || !raw.writable) return false;
  return senderIdle(ws);
}

/**
 * Writes the frames a socket holds, in order, in one system call. Dropped when the socket is no
 * longer open (the peer's close arrived in the same tick: no data may follow a close frame).
 */
export function flushSocket(s: WsSocket): void {
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

/**
 * Sends `data` on a wrapped socket: `frame` is its prepared frame, or undefined to build one only
 * when the raw path applies.
 */
export type SendData = (s: WsSocket, data: string | Uint8Array, frame: Buffer | undefined) => void;

/**
 * The send path of one adapter, shared by `send` and `sendPrepared` of every socket it wraps: the
 * framed fast path (frame built only when it applies, unless already prepared), else `ws.send`
 * after the frames already held. With `coalesce`, the frames of one tick are held per socket and
 * flushed together by one nextTick per adapter (not one per socket), so a burst leaves in one
 * write per socket. With `delayMs` > 0 (`writeDelayMs`) they are held up to that long instead,
 * flushed by one timer per adapter.
 */
export function createSendPath(coalesce: boolean, delayMs = 0): SendData {
  let held: WsSocket[] = [];
  let flushScheduled = false;
  const flushAll = (): void => {
    flushScheduled = false;
    const list = held;
    held = [];
    for (const s of list) flushSocket(s);
  };
  // writeDelayMs: the held frames of every socket leave together after `delayMs` (one timer).
  const schedule =
    delayMs > 0
      ? (): unknown => setTimeout(flushAll, delayMs)
      : (): void => process.nextTick(flushAll);
  const writeFrame = (s: WsSocket, raw: RawSocket, frame: Buffer): void => {
    if (!coalesce && delayMs === 0) {
      raw.write(frame);
      return;
    }
    const p = s.pending;
    if (p === undefined) {
      s.pending = frame;
      held.push(s);
      if (!flushScheduled) {
        flushScheduled = true;
        schedule();
      }
    } else if (Array.isArray(p)) {
      p.push(frame);
    } else {
      s.pending = [p, frame];
    }
    s.pendingBytes += frame.length;
  };
  return (s, data, frame) => {
    const ws = s.ws;
    const raw = rawSocketOf(ws);
    if (canWriteRaw(s, raw)) {
      writeFrame(s, raw, frame ?? frameMessage(data));
    } else if (ws.readyState === 1) {
      flushSocket(s);
      ws.send(data, { binary: typeof data !== 'string' });
    }
  };
}
