import type { OptionKeys, SocketLike } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type { WebSocket } from 'ws';
import { frameMessage } from './frame.js';
import type {
  PreparedMessage,
  WsAdapter,
  WsAdapterOptions,
  WsSocketOptions,
} from './wsAdapterOptions.js';
import { wsAdapterDefaults } from './wsAdapterOptions.js';
import { createWsListeners } from './wsEvents.js';
import { createSendPath } from './wsSendPath.js';
import { createSocketProto } from './wsSocketProto.js';
import type { WsSocket, WsSocketState } from './wsSocketState.js';

export { wsAdapterDefaults } from './wsAdapterOptions.js';
export type {
  PreparedMessage,
  WsAdapter,
  WsAdapterOptions,
  WsSocketOptions,
} from './wsAdapterOptions.js';

const ignore = (): void => {};

const wsAdapterOptionKeys = {
  coalesceWrites: true,
  writeDelayMs: true,
} as const satisfies OptionKeys<WsAdapterOptions>;

/**
 * Creates an adapter for `ws` server sockets. Every socket it wraps shares one `prepare`
 * function, so core frames a broadcast once (`frameMessage`) and writes the same bytes to each
 * TCP socket (`wsSendPath.ts`; the `ws` internals it checks are in `rawWrite.ts`); a socket with
 * permessage-deflate, or with `ws` sends still queued, or not plainly OPEN, falls back to
 * `ws.send`. Protocol-level ping/pong are `ws.ping()` and its 'pong' events; `terminate()` is
 * `ws.terminate()`.
 *
 * A wrapped socket is one object of data fields: its methods and getters sit on one prototype per
 * adapter (`wsSocketProto.ts`), its listeners are plain fields, and the `ws` events reach it
 * through four functions shared by every socket of the adapter (`wsEvents.ts`: no closures per
 * socket).
 */
export function createWsAdapter(options: WsAdapterOptions = {}): WsAdapter {
  checkOptionKeys<WsAdapterOptions>(options, wsAdapterOptionKeys, 'createWsAdapter options');
  const prepare = (data: string | Uint8Array): PreparedMessage => ({
    data,
    frame: frameMessage(data),
  });
  const delayMs = options.writeDelayMs ?? wsAdapterDefaults.writeDelayMs;
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 1000)
    throw new WsError('invalid_options', `writeDelayMs must be 0-1000 ms, got ${String(delayMs)}`);
  const sendData = createSendPath(
    options.coalesceWrites ?? wsAdapterDefaults.coalesceWrites,
    delayMs,
  );
  const listen = createWsListeners();
  const proto = createSocketProto(sendData, prepare);

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
    listen(ws, s);
    if (o.pauseUntilListening ?? wsAdapterDefaults.pauseUntilListening) ws.pause();
    return s;
  };

  return { wrap, prepare };
}
