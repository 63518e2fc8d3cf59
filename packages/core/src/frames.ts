import type { WireErrorCode } from './errors.js';

/** Request id: echoed in `ack` and `error`. */
export type RequestId = string | number;

/** The subprotocol names of the wire protocol. */
export const subprotocols = {
  json: 'wsm.v1.json',
  msgpack: 'wsm.v1.msgpack',
  legacy: 'legacy.json',
} as const;

// ---- client to server ------------------------------------------------------------------------

export interface JoinFrame {
  readonly type: 'join';
  readonly thread: string;
  readonly id?: RequestId;
  /** Also watch the thread's presence: `presence_diff` frames follow (`authorizePresence`). */
  readonly presence?: boolean;
}
export interface LeaveFrame {
  readonly type: 'leave';
  readonly thread: string;
  readonly id?: RequestId;
}
export interface PublishFrame {
  readonly type: 'publish';
  readonly thread: string;
  readonly data: unknown;
  readonly id?: RequestId;
}
export interface DirectFrame {
  readonly type: 'direct';
  readonly to: string;
  readonly data: unknown;
  readonly id?: RequestId;
}
export interface ResumeFrame {
  readonly type: 'resume';
  readonly thread: string;
  readonly offset: string;
  readonly id?: RequestId;
}
/** New credentials for this connection, checked by the server's `refresh` (at most 4 KiB). */
export interface RefreshFrame {
  readonly type: 'refresh';
  readonly token: string;
  readonly id?: RequestId;
}
/** Asks a page of a joined thread's presence (`authorizePresence`); answered by an `ack`. */
export interface PresenceFrame {
  readonly type: 'presence';
  readonly thread: string;
  readonly id?: RequestId;
  /** A previous page's `next`. */
  readonly cursor?: string;
  /** At most this many users, 1-1000 (default 100). */
  readonly limit?: number;
}
export interface PingFrame {
  readonly type: 'ping';
}
export interface PongFrame {
  readonly type: 'pong';
}

/** Every frame a client may send. */
export type ClientFrame =
  | JoinFrame
  | LeaveFrame
  | PublishFrame
  | DirectFrame
  | ResumeFrame
  | RefreshFrame
  | PresenceFrame
  | PingFrame
  | PongFrame;

// ---- server to client ------------------------------------------------------------------------

export interface WelcomeFrame {
  readonly type: 'welcome';
  readonly connectionId: string;
  readonly userId: string;
  readonly instanceId: string;
  readonly resumeToken: string;
  readonly restored: readonly string[];
  /** The heartbeat's figures, when `@ws/heartbeat` runs: a client expects traffic within their sum. */
  readonly heartbeat?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** When the connection's credentials expire (ms since epoch; it is then closed with 4102). */
  readonly expiresAt?: number;
}
export interface AckFrame {
  readonly type: 'ack';
  readonly id?: RequestId;
  readonly offset?: string;
  readonly recovered?: boolean;
  /** The acknowledged `refresh`'s new expiry (ms since epoch); absent: it no longer expires. */
  readonly expiresAt?: number;
  /** The answer to a `presence` request. */
  readonly presence?: WirePresence;
}
/** A page of a thread's presence on the wire. */
export interface WirePresence {
  readonly count: number;
  readonly users: readonly { readonly userId: string; readonly connections: number }[];
  readonly next: string | null;
  /**
   * Present when the thread is over the server's `fullListMax`: its diffs carry counts only, so
   * a client keeps a count rather than a list (this page still holds users).
   */
  readonly countsOnly?: true;
}
export interface ErrorFrame {
  readonly type: 'error';
  readonly id?: RequestId;
  readonly code: WireErrorCode;
  readonly message: string;
}
/** A thread message (with `thread` and `offset`) or a direct message (without). */
export interface MessageFrame {
  readonly type: 'message';
  readonly thread?: string;
  readonly from: string | null;
  readonly data: unknown;
  readonly offset?: string;
}
export interface ResyncFrame {
  readonly type: 'resync';
  readonly thread: string;
}
/**
 * A watched thread's presence changes, coalesced: users who joined (their first connection to
 * the thread anywhere) and left (their last). Above the server's `fullListMax` it carries counts
 * only; `reset: true` means "the member list is exactly `joins`" (sent when a thread comes back
 * under that size).
 */
export type PresenceDiffFrame =
  | {
      readonly type: 'presence_diff';
      readonly thread: string;
      readonly joins: readonly string[];
      readonly leaves: readonly string[];
      readonly reset?: true;
    }
  | {
      readonly type: 'presence_diff';
      readonly thread: string;
      readonly joins: number;
      readonly leaves: number;
      readonly count: number;
    };
export interface ReconnectFrame {
  readonly type: 'reconnect';
  readonly url?: string;
  readonly afterMs: number;
}

/** Every frame the server may send. */
export type ServerFrame =
  | WelcomeFrame
  | AckFrame
  | ErrorFrame
  | MessageFrame
  | ResyncFrame
  | PresenceDiffFrame
  | ReconnectFrame
  | PingFrame
  | PongFrame;

/** Any frame of the protocol, in either direction. */
export type Frame = ClientFrame | ServerFrame;

/** The `type` of every client frame. */
export type ClientFrameType = ClientFrame['type'];

// ---- builders --------------------------------------------------------------------------------

/** Builds an `ack`, leaving out the fields that are not given. */
export function ackFrame(
  id: RequestId | undefined,
  extra?: { offset?: string; recovered?: boolean; expiresAt?: number },
): AckFrame {
  const frame: {
    type: 'ack';
    id?: RequestId;
    offset?: string;
    recovered?: boolean;
    expiresAt?: number;
  } = { type: 'ack' };
  if (id !== undefined) frame.id = id;
  if (extra?.offset !== undefined) frame.offset = extra.offset;
  if (extra?.recovered !== undefined) frame.recovered = extra.recovered;
  if (extra?.expiresAt !== undefined) frame.expiresAt = extra.expiresAt;
  return frame;
}

/** Builds an `error` frame with one of the wire protocol's codes. */
export function errorFrame(
  id: RequestId | undefined,
  code: WireErrorCode,
  message: string,
): ErrorFrame {
  return id === undefined ? { type: 'error', code, message } : { type: 'error', id, code, message };
}

/** Builds a thread `message`. */
// eslint-disable-next-line max-params -- public signature
export function threadMessageFrame(
  thread: string,
  from: string | null,
  data: unknown,
  offset?: string,
): MessageFrame {
  return offset === undefined
    ? { type: 'message', thread, from, data }
    : { type: 'message', thread, from, data, offset };
}

/** Builds a direct `message` (no thread, no offset). */
export function directMessageFrame(from: string | null, data: unknown): MessageFrame {
  return { type: 'message', from, data };
}

/** Builds a `resync` for a thread. */
export function resyncFrame(thread: string): ResyncFrame {
  return { type: 'resync', thread };
}

/** Builds a `reconnect` hint. */
export function reconnectFrame(url: string | undefined, afterMs: number): ReconnectFrame {
  return url === undefined ? { type: 'reconnect', afterMs } : { type: 'reconnect', url, afterMs };
}

/** The constant `ping` frame. */
export const pingFrame: PingFrame = Object.freeze({ type: 'ping' });
/** The constant `pong` frame. */
export const pongFrame: PongFrame = Object.freeze({ type: 'pong' });
