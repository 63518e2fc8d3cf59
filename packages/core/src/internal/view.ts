import { CloseCode } from '../closeCodes.js';
import { pingFrame } from '../frames.js';
import type { Connection } from '../plugin.js';
import { createFrameWriter, createTally, sendControl } from './deliver.js';
import { rejectFrame } from './inbound.js';
import { closeRecord, terminateRecord } from './lifecycle.js';
import type { ConnRecord, ManagerState } from './state.js';

/** Builds the read-only view plugins and listeners see of a connection record. */
export function createView(state: ManagerState, rec: ConnRecord): Connection {
  return Object.freeze({
    id: rec.id,
    userId: rec.userId,
    threads: rec.threadIds,
    context: rec.context,
    protocol: rec.codec.name,
    connectedAt: rec.connectedAt,
    get lastActivityAt() {
      return rec.lastActivityAt;
    },
    get isOpen() {
      return !rec.closed && rec.socket.readyState === 1;
    },
    hasProtocolPing:
      typeof rec.socket.ping === 'function' && typeof rec.socket.onPong === 'function',
    send(frame) {
      if (frame.type === 'message') {
        const tally = createTally();
        createFrameWriter(state, frame).write(rec, tally, frame.thread as never);
        state.m.sent.inc(tally.delivered);
        return tally.delivered === 1;
      }
      return sendControl(state, rec, frame);
    },
    reject(code, message, id) {
      rejectFrame(state, rec, code, message, id);
    },
    close(code = CloseCode.normal, reason = '') {
      closeRecord(state, rec, code, reason);
    },
    terminate() {
      terminateRecord(state, rec);
    },
    ping() {
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
  } satisfies Connection);
}
