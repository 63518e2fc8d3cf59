import { CloseCode } from '../closeCodes.js';
import type { ServerFrame } from '../frames.js';
import { pingFrame } from '../frames.js';
import type { ThreadId } from '../ids.js';
import type { Connection } from '../connection.js';
import { ownThreadIds } from './memberships.js';
import { closeRecord, terminateRecord } from './records.js';
import { rejectFrame } from './replies.js';
import { createFrameWriter, createTally, sendControl } from './writing.js';
import type { ConnRecord, ManagerState } from './state.js';

/** The one own field of a view: its record (a symbol, so it is neither a name nor enumerable). */
const recordKey: unique symbol = Symbol('ws.connectionRecord');

interface ViewFields {
  readonly [recordKey]: ConnRecord;
}

/**
 * Creates the view builder of one manager: the read-only `Connection` plugins and listeners see.
 * A view is one frozen object holding its record under a symbol; its fields, methods and live
 * values (`threads`, `lastActivityAt`, `isOpen`) are getters and functions on one per-manager
 * prototype, so a connection's view costs one small object and finding its record is a property
 * load (no lookup table).
 */
export function createViewFactory(state: ManagerState): (rec: ConnRecord) => Connection {
  const recordOf = (view: ViewFields): ConnRecord => view[recordKey];

  const proto: ThisType<ViewFields> & Omit<Connection, never> = {
    get id() {
      return recordOf(this).id;
    },
    get userId() {
      return recordOf(this).userId;
    },
    get context() {
      return recordOf(this).context;
    },
    get protocol() {
      return recordOf(this).codec.name;
    },
    get connectedAt() {
      return recordOf(this).connectedAt + state.timeOrigin;
    },
    get hasProtocolPing() {
      const socket = recordOf(this).socket;
      return typeof socket.ping === 'function' && typeof socket.onPong === 'function';
    },
    /** The connection's own thread set, made on first read (a connection starts with the shared empty one). */
    get threads(): ReadonlySet<ThreadId> {
      return ownThreadIds(state, recordOf(this));
    },
    get lastActivityAt(): number {
      return recordOf(this).lastActivityAt + state.timeOrigin;
    },
    get isOpen(): boolean {
      const rec = recordOf(this);
      return !rec.closed && rec.socket.readyState === 1;
    },
    send(frame: ServerFrame): boolean {
      const rec = recordOf(this);
      if (frame.type === 'message') {
        const tally = createTally();
        createFrameWriter(state, frame).write(rec, tally, frame.thread as ThreadId | undefined);
        state.m.sent.inc(tally.delivered);
        return tally.delivered === 1;
      }
      return sendControl(state, rec, frame);
    },
    reject(...args: Parameters<Connection['reject']>): void {
      rejectFrame(state, recordOf(this), args[0], args[1], args[2]);
    },
    close(code: number = CloseCode.normal, reason = ''): void {
      closeRecord(state, recordOf(this), code, reason);
    },
    terminate(): void {
      terminateRecord(state, recordOf(this));
    },
    ping(): void {
      const rec = recordOf(this);
      if (rec.closed) return;
      if (typeof rec.socket.ping === 'function' && typeof rec.socket.onPong === 'function') {
        try {
          rec.socket.ping();
        } catch (err) {
          state.reportError(err, 'ping', rec.id);
        }
      } else {
        sendControl(state, rec, pingFrame);
      }
    },
  };

  return (rec) => {
    const view = Object.create(proto) as { [recordKey]: ConnRecord };
    view[recordKey] = rec;
    return Object.freeze(view) as unknown as Connection;
  };
}
