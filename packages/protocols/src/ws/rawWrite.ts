/**
 * The only file that reads private fields of `ws` (`_socket`, `_sender._state`, `_sender._queue`):
 * the fast path writes prepared frames straight to the TCP socket under a `ws` WebSocket, and
 * these reads tell whether that is safe.
 *
 * Verified with `ws` 8.21.0 (the oldest version `peerDependencies` allows) and 8.23.1 (the newest
 * 8.x when this was written): the protocols tests run on both (`vitest.ws-oldest.config.ts`
 * aliases `ws` to the `ws-oldest` dev dependency), and `rawWrite.test.ts` asserts that an open,
 * extension-free socket takes the raw path on each. In those versions `_socket` is the
 * `net.Socket` `ws` writes its own frames to, and the sender writes at once when `_state` is 0
 * (`DEFAULT`) with an empty `_queue` (it queues only behind permessage-deflate or a Blob read).
 *
 * Fallback: when a field is absent or of another shape (no `_socket`, or one without `write`; no
 * `_sender`; `_state` not 0; `_queue` not an empty array), the raw path is not taken and the
 * adapter sends through the public `ws.send` (after the frames it already holds), so a change of
 * `ws` internals costs speed, never a corrupt or reordered frame.
 */
import type { WebSocket } from 'ws';

/** The TCP socket under a `ws` WebSocket, as far as the fast path uses it. */
export interface RawSocket {
  readonly destroyed: boolean;
  readonly writable: boolean;
  write(chunk: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
}

/** The `ws` internals the fast path checks; any mismatch falls back to `ws.send`. */
interface WsInternals {
  readonly _socket?: RawSocket | null;
  readonly _sender?: { readonly _state?: unknown; readonly _queue?: readonly unknown[] };
}

/** The TCP socket under `ws`, or undefined when `ws` keeps none (or not in the verified shape). */
export function rawSocketOf(ws: WebSocket): RawSocket | undefined {
  const raw = (ws as unknown as WsInternals)._socket;
  return raw !== null && raw !== undefined && typeof raw.write === 'function' ? raw : undefined;
}

/**
 * True when nothing of `ws`'s own waits to be written (no deflate, no Blob read, nothing queued),
 * so a frame written to the TCP socket now cannot overtake one `ws` holds.
 */
export function senderIdle(ws: WebSocket): boolean {
  const sender = (ws as unknown as WsInternals)._sender;
  // Sender state 0 is ws's DEFAULT: nothing of ws's own is waiting (deflate, blob reads).
  return (
    sender !== undefined &&
    sender._state === 0 &&
    Array.isArray(sender._queue) &&
    sender._queue.length === 0
  );
}
