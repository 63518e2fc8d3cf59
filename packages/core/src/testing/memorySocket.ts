import { CloseCode } from '../closeCodes.js';
import type { ServerFrame } from '../frames.js';
import type { OptionKeys } from '../optionKeys.js';
import { checkOptionKeys } from '../optionKeys.js';
import type { SocketLike } from '../socket.js';

/** Options of {@link createMemorySocketPair}. */
export interface MemorySocketOptions {
  /**
   * Negotiated subprotocol reported by the server side.
   * @default 'wsm.v1.json'
   */
  readonly protocol?: string;
  /**
   * Whether the server side has protocol-level `ping` / `onPong`.
   * @default true
   */
  readonly protocolPing?: boolean;
  /**
   * Whether the server side offers the `prepare` / `sendPrepared` fast path.
   * @default false
   */
  readonly prepared?: boolean;
  /**
   * Whether the client answers protocol pings by itself.
   * @default true
   */
  readonly autoPong?: boolean;
}

const memorySocketOptionKeys = {
  protocol: true,
  protocolPing: true,
  prepared: true,
  autoPong: true,
} as const satisfies OptionKeys<MemorySocketOptions>;

/** The test's end of an in-memory socket pair. */
export interface MemoryClient {
  /** Every payload the server wrote, in order (delivered ones only while stalled). */
  readonly received: readonly (string | Uint8Array)[];
  /** The received payloads parsed as JSON frames (binary payloads are skipped). */
  frames(): ServerFrame[];
  /** Frames of one type. */
  framesOf<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[];
  /** Sends a raw payload to the server. */
  send(data: string | Uint8Array): void;
  /** Sends a JSON frame to the server. */
  sendFrame(frame: unknown): void;
  /** Closes from the client side (the server sees `code`). */
  close(code?: number, reason?: string): void;
  /** Drops the connection abruptly (the server sees 1006). */
  abort(): void;
  /** Sends a protocol-level pong. */
  pong(): void;
  /** Stops reading: later writes grow `bufferedAmount` instead of arriving. */
  stall(): void;
  /** Reads everything queued while stalled, and resumes reading. */
  drain(): void;
  /** The close the server sent, if any. */
  readonly closed: { readonly code: number; readonly reason: string } | undefined;
  /** True when the server terminated the connection. */
  readonly terminated: boolean;
  /** Protocol-level pings received. */
  readonly pings: number;
  /** Whether the client answers protocol pings (set false to play a dead peer). */
  autoPong: boolean;
}

/** A server socket and the test's client end. */
export interface MemorySocketPair {
  readonly server: SocketLike;
  readonly client: MemoryClient;
}

const byteLength = (d: string | Uint8Array): number =>
  typeof d === 'string' ? new TextEncoder().encode(d).length : d.byteLength;

/**
 * Creates an in-memory socket pair that records every frame, can simulate a slow reader (a
 * growing `bufferedAmount`) and an abrupt close. Close events reach the server on a microtask,
 * as a real socket's would arrive later.
 */
export function createMemorySocketPair(options: MemorySocketOptions = {}): MemorySocketPair {
  checkOptionKeys<MemorySocketOptions>(
    options,
    memorySocketOptionKeys,
    'createMemorySocketPair options',
  );
  const messageListeners = new Set<(data: string | Uint8Array) => void>();
  const closeListeners = new Set<(code: number, reason: string) => void>();
  const pongListeners = new Set<() => void>();
  const received: (string | Uint8Array)[] = [];
  const queued: (string | Uint8Array)[] = [];
  let readyState: 0 | 1 | 2 | 3 = 1;
  let buffered = 0;
  let stalled = false;
  let closed: { code: number; reason: string } | undefined;
  let terminated = false;
  let pings = 0;

  const fireClose = (code: number, reason: string) => {
    queueMicrotask(() => {
      for (const l of [...closeListeners]) l(code, reason);
    });
  };
  const write = (data: string | Uint8Array) => {
    if (readyState !== 1) return;
    if (stalled) {
      queued.push(data);
      buffered += byteLength(data);
    } else {
      received.push(data);
    }
  };

  const server: SocketLike = {
    get readyState() {
      return readyState;
    },
    get bufferedAmount() {
      return buffered;
    },
    protocol: options.protocol ?? 'wsm.v1.json',
    send: write,
    close(code: number = CloseCode.normal, reason = '') {
      if (readyState >= 2) return;
      readyState = 3;
      closed = { code, reason };
      fireClose(code, reason);
    },
    terminate() {
      if (readyState === 3) return;
      readyState = 3;
      terminated = true;
      fireClose(CloseCode.abnormal, '');
    },
    onMessage(listener) {
      messageListeners.add(listener);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
  };
  const withPing = options.protocolPing ?? true;
  const mutableServer = server as { -readonly [K in keyof SocketLike]: SocketLike[K] };
  if (withPing) {
    mutableServer.ping = () => {
      if (readyState !== 1) return;
      pings++;
      if (client.autoPong) queueMicrotask(() => client.pong());
    };
    mutableServer.onPong = (listener) => {
      pongListeners.add(listener);
      return () => pongListeners.delete(listener);
    };
  }
  if (options.prepared === true) {
    mutableServer.prepare = (data) => ({ prepared: data });
    mutableServer.sendPrepared = (p) => write((p as { prepared: string | Uint8Array }).prepared);
  }

  const client: MemoryClient = {
    received,
    frames() {
      const out: ServerFrame[] = [];
      for (const d of received) if (typeof d === 'string') out.push(JSON.parse(d) as ServerFrame);
      return out;
    },
    framesOf(type) {
      return client.frames().filter((f) => f.type === type) as never;
    },
    send(data) {
      if (readyState !== 1) return;
      for (const l of [...messageListeners]) l(data);
    },
    sendFrame(frame) {
      client.send(JSON.stringify(frame));
    },
    close(code: number = CloseCode.normal, reason = '') {
      if (readyState >= 2) return;
      readyState = 3;
      fireClose(code, reason);
    },
    abort() {
      if (readyState === 3) return;
      readyState = 3;
      fireClose(CloseCode.abnormal, '');
    },
    pong() {
      if (readyState !== 1) return;
      for (const l of [...pongListeners]) l();
    },
    stall() {
      stalled = true;
    },
    drain() {
      stalled = false;
      received.push(...queued);
      queued.length = 0;
      buffered = 0;
    },
    get closed() {
      return closed;
    },
    get terminated() {
      return terminated;
    },
    get pings() {
      return pings;
    },
    autoPong: options.autoPong ?? true,
  };
  return { server, client };
}
