/**
 * What the client needs of a WHATWG `WebSocket` (browsers, undici, Node 22+), and nothing more.
 * Event handlers take `never` so that the DOM's and undici's handler types both fit.
 */
export interface WebSocketLike {
  /** 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  readonly readyState: number;
  /** The negotiated subprotocol. */
  readonly protocol: string;
  binaryType: string;
  onopen: ((ev: never) => unknown) | null;
  onmessage: ((ev: never) => unknown) | null;
  onclose: ((ev: never) => unknown) | null;
  onerror: ((ev: never) => unknown) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WHATWG `WebSocket` constructor. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;
