import { CloseCode } from '@ws/core';
import { Buffer } from 'node:buffer';
import type { WebSocket } from 'ws';
import { closeReason } from '../internal/closeReason.js';
import { emitListeners } from '../internal/listeners.js';
import type { WsSocket } from './wsSocketState.js';

function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** Closes `ws` with a code it can send (else 1000) and a reason cut to fit a close frame. */
export function closeWs(ws: WebSocket, code: number | undefined, reason: string | undefined): void {
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

/** Subscribes a wrapped socket to the events of its `ws`: messages, close, pongs and errors. */
export type ListenToWs = (ws: WebSocket, s: WsSocket) => void;

/**
 * The `ws` event listeners of one adapter. They are the same four functions for every socket:
 * `ws` calls them with the WebSocket as `this`, and the wrapper sits on it under this adapter's own
 * symbol (a property load; a WeakMap entry per connection cost more memory and a lookup per
 * event).
 */
export function createWsListeners(): ListenToWs {
  const wrapperKey: unique symbol = Symbol('@ws/protocols wrapper');
  type Wrapped = WebSocket & { [wrapperKey]?: WsSocket };
  const wrapperOf = (ws: WebSocket): WsSocket | undefined => (ws as Wrapped)[wrapperKey];
  function onMessage(
    this: WebSocket,
    data: Buffer | ArrayBuffer | Buffer[],
    isBinary: boolean,
  ): void {
    const s = wrapperOf(this);
    if (s !== undefined) onWsMessage(s, data, isBinary);
  }
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const s = wrapperOf(this);
    if (s !== undefined) emitClose(s, code, reason.toString('utf8'));
  }
  function onPong(this: WebSocket): void {
    const s = wrapperOf(this);
    if (s !== undefined) emitListeners(s.pongs, s.onError);
  }
  function onError(this: WebSocket, err: Error): void {
    wrapperOf(this)?.onError(err);
  }

  return (ws, s) => {
    if (wrapperOf(ws) !== undefined) {
      // Wrapped twice by this adapter (the WebSocket's symbol property already holds the first
      // wrapper, and the shared listeners reach that one only): listeners of its own.
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
        onWsMessage(s, data, isBinary),
      );
      ws.on('close', (code: number, reason: Buffer) => emitClose(s, code, reason.toString('utf8')));
      ws.on('pong', () => emitListeners(s.pongs, s.onError));
      ws.on('error', (err: Error) => s.onError(err));
      return;
    }
    (ws as Wrapped)[wrapperKey] = s;
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('pong', onPong);
    ws.on('error', onError);
  };
}
