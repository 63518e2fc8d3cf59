/**
 * The `wsm.v1` wire protocol's frames, as the client sees them. This is the client's own copy
 * (the client imports nothing from the server packages); `frames.test.ts` checks that every
 * type here and in `@ws/core` is assignable both ways.
 */

/** Request id: echoed in `ack` and `error`. */
export type RequestId = string | number;

/** The subprotocol names the client offers. */
export const subprotocols = {
  json: 'wsm.v1.json',
  msgpack: 'wsm.v1.msgpack',
} as const;

/** The closed set of codes an `error` frame may carry. */
export type WireErrorCode =
  | 'bad_request'
  | 'unknown_type'
  | 'forbidden'
  | 'rate_limited'
  | 'invalid_message'
  | 'internal_error';

// ---- client to server ------------------------------------------------------------------------

export interface JoinFrame {
  readonly type: 'join';
  readonly thread: string;
  readonly id?: RequestId;
  /** Also watch the thread's presence: `presence_diff` frames follow. */
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
/** New credentials for this connection (at most 4 KiB). */
export interface RefreshFrame {
  readonly type: 'refresh';
  readonly token: string;
  readonly id?: RequestId;
}
/** Asks a page of a joined thread's presence; answered by an `ack` with `presence`. */
export interface PresenceFrame {
  readonly type: 'presence';
  readonly thread: string;
  readonly id?: RequestId;
  readonly cursor?: string;
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
  /** The server heartbeat's figures: traffic is expected within their sum. */
  readonly heartbeat?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** When the connection's credentials expire (ms since epoch). */
  readonly expiresAt?: number;
}
export interface AckFrame {
  readonly type: 'ack';
  readonly id?: RequestId;
  readonly offset?: string;
  readonly recovered?: boolean;
  /** An acknowledged `refresh`'s new expiry (ms since epoch); absent: it no longer expires. */
  readonly expiresAt?: number;
  /** The answer to a `presence` request. */
  readonly presence?: WirePresence;
}
/** A page of a thread's presence. */
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
/** A watched thread's presence changes: users, or counts only in a big thread (`reset`: the whole list). */
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

const isString = (v: unknown): v is string => typeof v === 'string';
const isId = (v: unknown): boolean =>
  v === undefined || typeof v === 'string' || typeof v === 'number';
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/**
 * Checks a decoded value's shape and returns it as a server frame, or `undefined` when it is
 * not one the client understands (the client then ignores it and reports an `error` event).
 */
export function toServerFrame(value: unknown): ServerFrame | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const f = value as Record<string, unknown>;
  switch (f['type']) {
    case 'welcome':
      return isString(f['connectionId']) &&
        isString(f['userId']) &&
        isString(f['instanceId']) &&
        isString(f['resumeToken']) &&
        Array.isArray(f['restored']) &&
        f['restored'].every(isString)
        ? (value as WelcomeFrame)
        : undefined;
    case 'ack':
      return isId(f['id']) &&
        optString(f['offset']) &&
        (f['recovered'] === undefined || typeof f['recovered'] === 'boolean')
        ? (value as AckFrame)
        : undefined;
    case 'error':
      return isId(f['id']) && isString(f['code']) && isString(f['message'])
        ? (value as ErrorFrame)
        : undefined;
    case 'message':
      return optString(f['thread']) &&
        optString(f['offset']) &&
        (f['from'] === null || isString(f['from'])) &&
        'data' in f
        ? (value as MessageFrame)
        : undefined;
    case 'resync':
      return isString(f['thread']) ? (value as ResyncFrame) : undefined;
    case 'presence_diff':
      return isString(f['thread']) &&
        (typeof f['joins'] === 'number' || Array.isArray(f['joins'])) &&
        (typeof f['leaves'] === 'number' || Array.isArray(f['leaves']))
        ? (value as PresenceDiffFrame)
        : undefined;
    case 'reconnect':
      return optString(f['url']) &&
        typeof f['afterMs'] === 'number' &&
        Number.isFinite(f['afterMs'])
        ? (value as ReconnectFrame)
        : undefined;
    case 'ping':
    case 'pong':
      return value as PingFrame | PongFrame;
    default:
      return undefined;
  }
}
