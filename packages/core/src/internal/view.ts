import { CloseCode } from '../closeCodes.js';
import type { ServerFrame } from '../frames.js';
import { errorFrame, pingFrame } from '../frames.js';
import type { ThreadId } from '../ids.js';
import type { Connection } from '../connection.js';
import { ownThreadIds } from './memberships.js';
import { closeRecord, terminateRecord } from './records.js';
import { rejectFrame } from './replies.js';
import { createFrameWriter, sendControl } from './writing.js';
import type { ConnRecord, ManagerState } from './state.js';

/** The one own field of a view: its record (a symbol, so it is neither a name nor enumerable). */
const recordKey: unique symbol = Symbol('ws.connectionRecord');

interface ViewFields {
  readonly [recordKey]: ConnRecord;
}

/**
 * The view prototype of one manager: the fields, methods and live values (`threads`,
 * `lastActivityAt`, `isOpen`) of the read-only `Connection` plugins and listeners see, as getters
 * and functions shared by every view of the manager. A view is one frozen object holding its
 * record under a symbol, so a connection's view costs one small object and finding its record is
 * a property load (no lookup table).
 */
function createViewPrototype(state: ManagerState): object {
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
        const w = createFrameWriter(state, frame, frame.thread as ThreadId | undefined);
        w.write(rec);
        state.m.sent.inc(w.delivered);
        return w.delivered === 1;
      }
      return sendControl(state, rec, frame);
    },
    reject(...args: Parameters<Connection['reject']>): void {
      rejectFrame(state, recordOf(this), errorFrame(args[2], args[0], args[1]));
    },
    close(code: number = CloseCode.normal, reason = ''): void {
      closeRecord(state, recordOf(this), { code, reason });
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

  return proto;
}

/**
 * A new view, not yet bound to its record (the record holds its view, so one of the two comes
 * first): {@link bindView} gives it its record before anyone sees it. The manager's prototype is
 * made with its first view.
 */
export function openView(state: ManagerState): Connection {
  state.viewPrototype ??= createViewPrototype(state);
  return Object.create(state.viewPrototype) as Connection;
}

/** Gives a view from {@link openView} its record, and freezes it. */
export function bindView(view: Connection, rec: ConnRecord): void {
  (view as unknown as { [recordKey]: ConnRecord })[recordKey] = rec;
  Object.freeze(view);
}
