import { ClientError } from '../errors.js';
import type { AckFrame, MessageFrame } from '../frames.js';
import { compareOffsets } from '../offsets.js';
import type { RequestFrame, RequestKind } from './requests.js';

interface ThreadState {
  /** Offset of the newest message delivered to the application. */
  lastOffset: string | undefined;
  /** Held by `join()` (not only by subscriptions). */
  explicit: boolean;
  /** The server holds the membership on the current connection. */
  member: boolean;
  /** A `join` is queued or in flight. */
  joining: boolean;
  leaving: boolean;
  /** A `resume` (or re-`join`) is in flight: live frames wait in `buffer`. */
  resuming: boolean;
  resumeAgain: boolean;
  buffer: MessageFrame[];
}

/** Per-thread memberships, last offsets, replay buffers and de-duplication. */
export interface ThreadTable {
  join(thread: string, explicit: boolean): Promise<void>;
  leave(thread: string): Promise<void>;
  /** A thread message from the server (live or replayed). */
  message(frame: MessageFrame & { readonly thread: string }): void;
  /** The server announced a possible gap. */
  resync(thread: string): void;
  /** After `welcome`: resume restored threads, join the others again. */
  restore(restored: readonly string[]): void;
  /** The socket closed: no membership is held until the next `welcome`. */
  disconnected(): void;
  isExplicit(thread: string): boolean;
  isMember(thread: string): boolean;
  lastOffset(thread: string): string | undefined;
  list(): string[];
  readonly duplicatesDropped: number;
}

export interface ThreadTableOptions {
  request(frame: RequestFrame, kind?: RequestKind): Promise<AckFrame>;
  deliver(frame: MessageFrame): void;
  resumed(thread: string, recovered: boolean): void;
  report(err: ClientError): void;
}

const byOffset = (a: MessageFrame, b: MessageFrame): number =>
  compareOffsets(a.offset ?? '0', b.offset ?? '0');

export function createThreadTable(o: ThreadTableOptions): ThreadTable {
  const threads = new Map<string, ThreadState>();
  let duplicates = 0;

  const fresh = (): ThreadState => ({
    lastOffset: undefined,
    explicit: false,
    member: false,
    joining: false,
    leaving: false,
    resuming: false,
    resumeAgain: false,
    buffer: [],
  });

  /** Delivers a frame unless its offset is not after the last delivered one. */
  const accept = (st: ThreadState, frame: MessageFrame): void => {
    if (frame.offset !== undefined) {
      if (st.lastOffset !== undefined && compareOffsets(frame.offset, st.lastOffset) <= 0) {
        duplicates++;
        return;
      }
      st.lastOffset = frame.offset;
    }
    o.deliver(frame);
  };

  const finish = (thread: string, st: ThreadState, recovered: boolean): void => {
    if (threads.get(thread) !== st) return;
    const buffered = st.buffer.sort(byOffset);
    st.buffer = [];
    st.resuming = false;
    for (const frame of buffered) accept(st, frame);
    o.resumed(thread, recovered);
    if (st.resumeAgain) startResume(thread, st);
  };

  const startResume = (thread: string, st: ThreadState): void => {
    st.resuming = true;
    st.resumeAgain = false;
    o.request({ type: 'resume', thread, offset: st.lastOffset ?? '0' }, { internal: true }).then(
      (ack) => finish(thread, st, ack.recovered === true),
      (err: ClientError) => {
        if (err.code === 'connection_lost') return; // the next welcome resumes again
        o.report(err);
        finish(thread, st, false);
      },
    );
  };

  const rejoin = (thread: string, st: ThreadState): void => {
    st.resuming = true;
    st.joining = true;
    o.request({ type: 'join', thread }, { internal: true }).then(
      () => {
        st.joining = false;
        st.member = true;
        finish(thread, st, false);
      },
      (err: ClientError) => {
        st.joining = false;
        if (err.code === 'connection_lost') return;
        if (threads.get(thread) === st) threads.delete(thread);
        o.report(
          new ClientError('rejoin_failed', `could not join "${thread}" again: ${err.message}`, {
            cause: err,
          }),
        );
      },
    );
  };

  return {
    join(thread, explicit) {
      let st = threads.get(thread);
      if (st === undefined) {
        st = fresh();
        threads.set(thread, st);
      }
      const state = st;
      if (explicit) state.explicit = true;
      state.leaving = false;
      state.joining = true;
      return o.request({ type: 'join', thread }, { retryable: true }).then(
        () => {
          state.joining = false;
          state.member = true;
        },
        (err: unknown) => {
          state.joining = false;
          if (!state.member && threads.get(thread) === state) threads.delete(thread);
          throw err;
        },
      );
    },

    leave(thread) {
      const st = threads.get(thread);
      if (st !== undefined) {
        st.leaving = true;
        st.explicit = false;
      }
      return o.request({ type: 'leave', thread }, { retryable: true }).then(
        () => {
          if (st !== undefined && st.leaving && threads.get(thread) === st) threads.delete(thread);
        },
        (err: unknown) => {
          if (st !== undefined) st.leaving = false;
          throw err;
        },
      );
    },

    message(frame) {
      let st = threads.get(frame.thread);
      if (st === undefined) {
        // Joined on the server's side (the application's server code): track it like any other.
        st = { ...fresh(), member: true, explicit: true };
        threads.set(frame.thread, st);
      }
      if (st.leaving) return;
      if (st.resuming) st.buffer.push(frame);
      else accept(st, frame);
    },

    resync(thread) {
      const st = threads.get(thread);
      if (st === undefined || st.leaving || !st.member) return;
      if (st.resuming) st.resumeAgain = true;
      else startResume(thread, st);
    },

    restore(restored) {
      const kept = new Set(restored);
      for (const thread of restored) {
        if (!threads.has(thread)) threads.set(thread, { ...fresh(), explicit: true });
      }
      for (const [thread, st] of threads) {
        if (st.leaving) continue; // the queued `leave` goes out next
        if (kept.has(thread)) {
          st.member = true;
          startResume(thread, st);
        } else if (!st.joining) {
          rejoin(thread, st);
        } else if (st.resuming) {
          // The application's own `join` goes out next; what was buffered is delivered, the gap reported.
          finish(thread, st, false);
        }
      }
    },

    disconnected() {
      for (const st of threads.values()) st.member = false;
    },

    isExplicit: (thread) => threads.get(thread)?.explicit ?? false,
    isMember: (thread) => threads.get(thread)?.member ?? false,
    lastOffset: (thread) => threads.get(thread)?.lastOffset,
    list: () => [...threads.keys()],
    get duplicatesDropped() {
      return duplicates;
    },
  };
}
