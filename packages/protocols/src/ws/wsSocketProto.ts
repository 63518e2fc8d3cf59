import type { SocketLike } from '@ws/core';
import type { FirstListenerSlot } from '../internal/listeners.js';
import { addListenerFirst, lateCloseListener, removeFirstListener } from '../internal/listeners.js';
import type { PreparedMessage } from './wsAdapterOptions.js';
import { closeWs } from './wsEvents.js';
import type { SendData } from './wsSendPath.js';
import { flushSocket } from './wsSendPath.js';
import type { WsSocket } from './wsSocketState.js';

// The unsubscribes of the first listener of each event, bound to the socket when handed out.
function removeFirstMessage(this: WsSocket): void {
  removeFirstListener(this, messageSlot);
}
function removeFirstClose(this: WsSocket): void {
  removeFirstListener(this, closeSlot);
}
function removeFirstPong(this: WsSocket): void {
  removeFirstListener(this, pongSlot);
}

const messageSlot: Readonly<FirstListenerSlot<WsSocket, 'messages', 'firstMessage'>> = {
  key: 'messages',
  firstKey: 'firstMessage',
  removeFirst: removeFirstMessage,
};
const closeSlot: Readonly<FirstListenerSlot<WsSocket, 'closes', 'firstClose'>> = {
  key: 'closes',
  firstKey: 'firstClose',
  removeFirst: removeFirstClose,
};
const pongSlot: Readonly<FirstListenerSlot<WsSocket, 'pongs', 'firstPong'>> = {
  key: 'pongs',
  firstKey: 'firstPong',
  removeFirst: removeFirstPong,
};

/** The methods and getters every socket of one adapter shares (everything but `protocol`). */
export type WsSocketProto = Omit<SocketLike, 'protocol'> & ThisType<WsSocket>;

/**
 * The prototype of one adapter's sockets. Getters on a prototype, not on each socket's object: a
 * getter on an object literal puts it in V8's slow dictionary mode (about 0.8 KiB more per
 * connection, and slower loads).
 */
export function createSocketProto(
  sendData: SendData,
  prepare: (data: string | Uint8Array) => PreparedMessage,
): WsSocketProto {
  return {
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
      const off = addListenerFirst(this, messageSlot, listener);
      const ws = this.ws;
      if (ws.isPaused && ws.readyState === 1) ws.resume();
      return off;
    },
    onClose(listener) {
      const closed = this.closeInfo;
      return closed === undefined
        ? addListenerFirst(this, closeSlot, listener)
        : lateCloseListener(closed, listener);
    },
    onPong(listener) {
      return addListenerFirst(this, pongSlot, listener);
    },
    prepare,
    sendPrepared(prepared) {
      const p = prepared as PreparedMessage;
      sendData(this, p.data, p.frame);
    },
  };
}
