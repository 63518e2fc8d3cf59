import type { OptionKeys, SocketLike } from '@ws/core';
import { CloseCode, checkOptionKeys } from '@ws/core';
import { closeReason } from './internal/closeReason.js';
import type { Listeners } from './internal/listeners.js';
import { addListener, emitListeners, lateCloseListener } from './internal/listeners.js';
import { toWhatwgCloseCode } from './whatwgCloseCode.js';

/** The part of a WHATWG `WebSocket` (browsers, undici, Deno, Bun) the adapter uses. */
export interface WhatwgWebSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  binaryType: string;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: never) => void): void;
  removeEventListener(type: string, listener: (event: never) => void): void;
}

/** Options of {@link wrapWhatwgSocket}. */
export interface WhatwgSocketOptions {
  /**
   * Refuse binary frames (the subprotocol is text-only): such a frame closes the socket with 1003
   * (sent as 4153, see `toWhatwgCloseCode`) and never reaches core.
   * @default false
   */
  readonly textOnly?: boolean;
  /**
   * The protocol reported to core.
   * @default socket.protocol
   */
  readonly protocol?: string;
  /**
   * Messages kept while no `onMessage` listener is attached yet (core attaches one during
   * `connectUser`); past it the socket is closed with 1008 (sent as 4158).
   * @default 256
   */
  readonly maxEarlyMessages?: number;
  /**
   * Receives listener failures and transport errors; never throws back.
   * @default ignore
   */
  readonly onError?: (err: unknown) => void;
}

/** Defaults of {@link wrapWhatwgSocket}. */
export const whatwgSocketDefaults = { textOnly: false, maxEarlyMessages: 256 } as const;

interface MessageEventLike {
  readonly data: unknown;
}
interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
}

function toPayload(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

const wrapWhatwgSocketOptionKeys = {
  textOnly: true,
  protocol: true,
  maxEarlyMessages: true,
  onError: true,
} as const satisfies OptionKeys<WhatwgSocketOptions>;

/**
 * Wraps a WHATWG `WebSocket` into core's `SocketLike`. What the transport cannot express is
 * mapped: `close` sends 1000 or 3000-4999 only (other codes through `toWhatwgCloseCode`), there is
 * no protocol-level `ping` (core then sends `{"type":"ping"}` frames), and `terminate()` closes with
 * 1006's mapping (4056, "reconnect") since the socket cannot be dropped without a close frame;
 * core forgets the connection at once either way. Binary messages arrive as `Uint8Array`
 * (`binaryType` is set to `arraybuffer`).
 */
export function wrapWhatwgSocket(
  socket: WhatwgWebSocket,
  options: WhatwgSocketOptions = {},
): SocketLike {
  checkOptionKeys<WhatwgSocketOptions>(
    options,
    wrapWhatwgSocketOptionKeys,
    'wrapWhatwgSocket options',
  );
  const onError = options.onError ?? (() => {});
  const textOnly = options.textOnly ?? whatwgSocketDefaults.textOnly;
  const maxEarly = options.maxEarlyMessages ?? whatwgSocketDefaults.maxEarlyMessages;
  const protocol = options.protocol ?? socket.protocol;
  const lists: { messages: Listeners<[string | Uint8Array]>; closes: Listeners<[number, string]> } =
    {
      messages: undefined,
      closes: undefined,
    };
  let early: (string | Uint8Array)[] | undefined = [];
  let closeInfo: [number, string] | undefined;

  const close = (code?: number, reason?: string): void => {
    if (socket.readyState >= 2) return;
    socket.close(toWhatwgCloseCode(code ?? CloseCode.normal), closeReason(reason));
  };

  const onMessage = (event: MessageEventLike): void => {
    const payload = toPayload(event.data);
    if (payload === undefined) {
      onError(new TypeError('unsupported message data type (binaryType must be arraybuffer)'));
      return;
    }
    if (closeInfo !== undefined) return;
    if (textOnly && typeof payload !== 'string') {
      refuse(
        CloseCode.unsupportedData,
        `binary frames are not accepted on ${protocol || 'this protocol'}`,
      );
      return;
    }
    if (early !== undefined) {
      if (early.length >= maxEarly) {
        refuse(CloseCode.policyViolation, 'too many messages before the connection was ready');
        return;
      }
      early.push(payload);
      return;
    }
    emitListeners(lists.messages, onError, payload);
  };
  const emitClose = (code: number, reason: string): void => {
    if (closeInfo !== undefined) return;
    closeInfo = [code, reason];
    emitListeners(lists.closes, onError, code, reason);
    lists.messages = undefined;
    lists.closes = undefined;
  };
  /** A close the adapter decides: core forgets the connection now, not after the peer's reply. */
  const refuse = (code: number, reason: string): void => {
    close(code, reason);
    emitClose(code, reason);
  };
  const onClose = (event: CloseEventLike): void => {
    detach();
    emitClose(event.code, event.reason);
  };
  const onSocketError = (event: unknown): void => {
    onError(event);
  };
  const detach = (): void => {
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onClose);
    socket.removeEventListener('error', onSocketError);
  };

  try {
    socket.binaryType = 'arraybuffer';
  } catch (err) {
    onError(err);
  }
  socket.addEventListener('message', onMessage);
  socket.addEventListener('close', onClose);
  socket.addEventListener('error', onSocketError);

  return {
    get readyState() {
      return socket.readyState as 0 | 1 | 2 | 3;
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    protocol,
    send(data) {
      socket.send(data);
    },
    close,
    terminate() {
      close(CloseCode.abnormal, 'terminated');
    },
    onMessage(listener) {
      const off = addListener(lists, 'messages', listener);
      if (early !== undefined) {
        const queued = early;
        early = undefined;
        for (const m of queued) emitListeners(lists.messages, onError, m);
      }
      return off;
    },
    onClose: (listener) =>
      closeInfo === undefined
        ? addListener(lists, 'closes', listener)
        : lateCloseListener(closeInfo, listener),
  };
}
