import { CloseCode } from '../closeCodes.js';
import type { ServerFrame } from '../frames.js';
import { pingFrame } from '../frames.js';
import type { ThreadId } from '../ids.js';
import type { Connection } from '../plugin.js';
import { createFrameWriter, createTally, sendControl } from './deliver.js';
import { rejectFrame } from './inbound.js';
import { closeRecord, ownThreadIds, terminateRecord } from './lifecycle.js';
import type { ConnRecord, ManagerState } from './state.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Creates the view builder of one manager: the read-only `Connection` plugins and listeners see.
 * The methods and live fields (`threads`, `lastActivityAt`, `isOpen`) live once on a per-manager
 * prototype (not as closures per connection) and find their record in a per-manager `WeakMap`:
 * a connection costs a small frozen object.
 */
export function createViewFactory(state: ManagerState): (rec: ConnRecord) => Connection {
  const records = new WeakMap<object, ConnRecord>();
  const recordOf = (view: object): ConnRecord => records.get(view) as ConnRecord;

  const proto = {
    /** The connection's own thread set, made on first read (a connection starts with the shared empty one). */
    get threads(): ReadonlySet<ThreadId> {
      return ownThreadIds(state, recordOf(this));
    },
    get lastActivityAt(): number {
      return recordOf(this).lastActivityAt;
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
    const view = Object.create(proto) as Mutable<Connection>;
    view.id = rec.id;
    view.userId = rec.userId;
    view.context = rec.context;
    view.protocol = rec.codec.name;
    view.connectedAt = rec.connectedAt;
    view.hasProtocolPing =
      typeof rec.socket.ping === 'function' && typeof rec.socket.onPong === 'function';
    records.set(view, rec);
    return Object.freeze(view);
  };
}
