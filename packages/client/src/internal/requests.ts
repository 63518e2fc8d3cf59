import { ClientError } from '../errors.js';
import type {
  AckFrame,
  ClientFrame,
  DirectFrame,
  ErrorFrame,
  JoinFrame,
  LeaveFrame,
  PresenceFrame,
  PublishFrame,
  RefreshFrame,
  ResumeFrame,
} from '../frames.js';
import type { ClientTimers } from '../options.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A request frame before the table gives it an id. */
export type RequestFrame = WithoutId<
  JoinFrame | LeaveFrame | PublishFrame | DirectFrame | ResumeFrame | RefreshFrame | PresenceFrame
>;

/** How a request behaves across a disconnect. */
export interface RequestKind {
  /** Idempotent (`join`, `leave`): sent again after a reconnect instead of rejecting. */
  readonly retryable?: boolean;
  /** Sent by the client itself right after `welcome` (`resume`, re-`join`): never queued. */
  readonly internal?: boolean;
}

interface Pending {
  readonly id: number;
  readonly frame: ClientFrame;
  readonly kind: RequestKind;
  readonly resolve: (ack: AckFrame) => void;
  readonly reject: (err: ClientError) => void;
  timer: unknown;
}

/** Requests waiting for their `ack` / `error`, and those queued while disconnected. */
export interface RequestTable {
  start(frame: RequestFrame, kind?: RequestKind): Promise<AckFrame>;
  /** An `ack` or `error` arrived; false when no request has its id. */
  settle(frame: AckFrame | ErrorFrame): boolean;
  /** Sends every queued request, in order (after `welcome`). */
  flush(): void;
  /** The socket closed: retryable requests in flight go back to the queue; the others reject. */
  disconnected(): void;
  /** Rejects every request (the client is closed). */
  rejectAll(err: ClientError): void;
  readonly queued: number;
  readonly inFlight: number;
}

export interface RequestTableOptions {
  readonly timers: ClientTimers;
  readonly timeoutMs: number;
  readonly maxQueued: number;
  /** True while requests may go on the wire. */
  isOpen(): boolean;
  /** True once the client is closed for good. */
  isClosed(): boolean;
  /** Writes a frame; throws a `ClientError` when it cannot be encoded. */
  send(frame: ClientFrame): void;
}

export function createRequestTable(o: RequestTableOptions): RequestTable {
  const queue: Pending[] = [];
  const inFlight = new Map<number, Pending>();
  let nextId = 0;

  const forget = (p: Pending): void => {
    o.timers.clearTimeout(p.timer);
    inFlight.delete(p.id);
    const i = queue.indexOf(p);
    if (i >= 0) queue.splice(i, 1);
  };

  const transmit = (p: Pending): void => {
    try {
      o.send(p.frame);
      inFlight.set(p.id, p);
    } catch (err) {
      forget(p);
      p.reject(
        err instanceof ClientError
          ? err
          : new ClientError('codec_error', String(err), { cause: err }),
      );
    }
  };

  return {
    start(frame, kind = {}) {
      return new Promise<AckFrame>((resolve, reject) => {
        if (o.isClosed()) {
          reject(new ClientError('closed', `the client is closed: ${frame.type} not sent`));
          return;
        }
        const open = o.isOpen();
        if (!open && kind.internal === true) {
          reject(new ClientError('connection_lost', `not connected: ${frame.type} not sent`));
          return;
        }
        if (!open && queue.length >= o.maxQueued) {
          reject(
            new ClientError(
              'queue_full',
              `${o.maxQueued} requests already queued while disconnected (maxQueued): ${frame.type} rejected`,
            ),
          );
          return;
        }
        const id = ++nextId;
        const p: Pending = { id, frame: { ...frame, id }, kind, resolve, reject, timer: undefined };
        p.timer = o.timers.setTimeout(() => {
          forget(p);
          reject(new ClientError('timeout', `no answer to ${frame.type} within ${o.timeoutMs} ms`));
        }, o.timeoutMs);
        if (open) transmit(p);
        else queue.push(p);
      });
    },

    settle(frame) {
      if (typeof frame.id !== 'number') return false;
      const p = inFlight.get(frame.id);
      if (p === undefined) return false;
      forget(p);
      if (frame.type === 'ack') p.resolve(frame);
      else p.reject(new ClientError(frame.code, frame.message));
      return true;
    },

    flush() {
      for (const p of queue.splice(0)) {
        if (!o.isOpen()) {
          queue.push(p);
          continue;
        }
        transmit(p);
      }
    },

    disconnected() {
      const requeue: Pending[] = [];
      for (const p of [...inFlight.values()].sort((a, b) => a.id - b.id)) {
        inFlight.delete(p.id);
        if (p.kind.retryable === true && p.kind.internal !== true) {
          requeue.push(p);
        } else {
          o.timers.clearTimeout(p.timer);
          p.reject(
            new ClientError(
              'connection_lost',
              `the connection dropped before ${p.frame.type} was answered`,
            ),
          );
        }
      }
      queue.unshift(...requeue);
    },

    rejectAll(err) {
      const all = [...inFlight.values(), ...queue];
      inFlight.clear();
      queue.length = 0;
      for (const p of all) {
        o.timers.clearTimeout(p.timer);
        p.reject(err);
      }
    },

    get queued() {
      return queue.length;
    },
    get inFlight() {
      return inFlight.size;
    },
  };
}
