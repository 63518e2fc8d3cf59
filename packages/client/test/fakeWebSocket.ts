/**
 * A scriptable WHATWG WebSocket for unit tests: every socket the client opens is recorded; the
 * test plays the server (accept, send frames, close) and reads what the client sent.
 */
import type {
  ClientFrame,
  ServerFrame,
  WebSocketConstructor,
  WebSocketLike,
} from '../src/index.js';

export interface FakeSocket extends WebSocketLike {
  readonly url: URL;
  readonly protocols: string[];
  /** Frames the client sent, parsed as JSON. */
  readonly sent: ClientFrame[];
  /** The close the client asked for, if any. */
  readonly clientClose: { code: number | undefined; reason: string | undefined } | undefined;
  /** Opens the socket and sends `welcome`. */
  accept(welcome?: Partial<Extract<ServerFrame, { type: 'welcome' }>>): void;
  /** Sends a server frame (JSON). */
  push(frame: ServerFrame | Record<string, unknown>): void;
  /** Sends raw data. */
  pushRaw(data: unknown): void;
  /** Closes from the server side. */
  drop(code: number, reason?: string): void;
  /** Sent frames of one type. */
  sentOf<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[];
}

export interface FakeNetwork {
  readonly WebSocket: WebSocketConstructor;
  readonly sockets: FakeSocket[];
  last(): FakeSocket;
}

export function createFakeNetwork(): FakeNetwork {
  const sockets: FakeSocket[] = [];
  let n = 0;

  function FakeWebSocket(url: string, protocols?: string | string[]): FakeSocket {
    const sent: ClientFrame[] = [];
    let clientClose: FakeSocket['clientClose'];
    const socket: FakeSocket & { readyState: number; protocol: string } = {
      url: new URL(url),
      protocols: protocols === undefined ? [] : Array.isArray(protocols) ? protocols : [protocols],
      sent,
      get clientClose() {
        return clientClose;
      },
      readyState: 0,
      protocol: '',
      binaryType: 'blob',
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data) {
        if (socket.readyState !== 1) throw new Error('InvalidStateError: not open');
        sent.push(
          JSON.parse(
            typeof data === 'string' ? data : new TextDecoder().decode(data),
          ) as ClientFrame,
        );
      },
      close(code, reason) {
        if (socket.readyState >= 2) return;
        clientClose = { code, reason };
        socket.readyState = 3;
        const handler = socket.onclose as ((ev: { code: number; reason: string }) => void) | null;
        queueMicrotask(() => handler?.({ code: code ?? 1005, reason: reason ?? '' }));
      },
      accept(welcome = {}) {
        socket.readyState = 1;
        socket.protocol = socket.protocols[0] ?? '';
        (socket.onopen as ((ev: unknown) => void) | null)?.({});
        n++;
        socket.push({
          type: 'welcome',
          connectionId: `c${n}`,
          userId: 'u1',
          instanceId: 'i1',
          resumeToken: `rt${n}`,
          restored: [],
          ...welcome,
        });
      },
      push(frame) {
        socket.pushRaw(JSON.stringify(frame));
      },
      pushRaw(data) {
        (socket.onmessage as ((ev: { data: unknown }) => void) | null)?.({ data });
      },
      drop(code, reason = '') {
        if (socket.readyState === 3) return;
        socket.readyState = 3;
        (socket.onclose as ((ev: { code: number; reason: string }) => void) | null)?.({
          code,
          reason,
        });
      },
      sentOf(type) {
        return sent.filter((f) => f.type === type) as never;
      },
    };
    sockets.push(socket);
    return socket;
  }

  return {
    WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
    sockets,
    last() {
      const s = sockets[sockets.length - 1];
      if (s === undefined) throw new Error('no socket opened yet');
      return s;
    },
  };
}

/** A seeded pseudo-random generator (mulberry32), values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
