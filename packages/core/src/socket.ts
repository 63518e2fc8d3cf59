/** WebSocket ready states, as in the WHATWG and `ws` APIs. */
export const ReadyState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;

/**
 * What the manager needs of a socket, and nothing more. `@ws/protocols` wraps real sockets into
 * it; `@ws/core/testing` has an in-memory pair.
 */
export interface SocketLike {
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: 0 | 1 | 2 | 3;
  /** Bytes queued and not yet written, for backpressure. */
  readonly bufferedAmount: number;
  /** Negotiated subprotocol, `''` if none. */
  readonly protocol: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Drop at once, no close handshake (the peer sees 1006). */
  terminate(): void;
  /** Protocol-level ping, where the transport has one. */
  ping?(): void;
  onMessage(listener: (data: string | Uint8Array) => void): () => void;
  onClose(listener: (code: number, reason: string) => void): () => void;
  onPong?(listener: () => void): () => void;
  /** Optional fast path: frame once per send... */
  prepare?(data: string | Uint8Array): unknown;
  /** ...then write the same prepared frame to each socket. */
  sendPrepared?(prepared: unknown): void;
}
