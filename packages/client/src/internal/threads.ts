import { ClientError } from '../errors.js';
import type { AckFrame, MessageFrame } from '../frames.js';
import { compareOffsets } from '../offsets.js';
import type { RequestFrame, RequestKind } from './requests.js';

interface ThreadState {
  readonly thread: string;
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

/** The table's state, shared by the functions below. */
interface Table {
  readonly o: ThreadTableOptions;
  readonly threads: Map<string, ThreadState>;
  duplicates: number;
}

const byOffset = (a: MessageFrame, b: MessageFrame): number =>
  compareOffsets(a.offset ?? '0', b.offset ?? '0');

function fresh(thread: string): ThreadState {
  return {
    thread,
    lastOffset: undefined,
    explicit: false,
    member: false,
    joining: false,
    leaving: false,
    resuming: false,
    resumeAgain: false,
    buffer: [],
  };
}

/** Delivers a frame unless its offset is not after the last delivered one. */
function accept(t: Table, st: ThreadState, frame: MessageFrame): void {
  if (frame.offset !== undefined) {
    if (st.lastOffset !== undefined && compareOffsets(frame.offset, st.lastOffset) <= 0) {
      t.duplicates++;
      return;
    }
    st.lastOffset = frame.offset;
  }
  t.o.deliver(frame);
}

function finish(t: Table, st: ThreadState, recovered: boolean): void {
  if (t.threads.get(st.thread) !== st) return;
  const buffered = st.buffer.sort(byOffset);
  st.buffer = [];
  st.resuming = false;
  for (const frame of buffered) accept(t, st, frame);
  t.o.resumed(st.thread, recovered);
  if (st.resumeAgain) startResume(t, st);
}

function startResume(t: Table, st: ThreadState): void {
  st.resuming = true;
  st.resumeAgain = false;
  t.o
    .request(
      { type: 'resume', thread: st.thread, offset: st.lastOffset ?? '0' },
      { internal: true },
    )
    .then(
      (ack) => finish(t, st, ack.recovered === true),
      (err: ClientError) => {
        if (err.code === 'connection_lost') return; // the next welcome resumes again
        t.o.report(err);
        finish(t, st, false);
      },
    );
}

function rejoin(t: Table, st: ThreadState): void {
  const thread = st.thread;
  st.resuming = true;
  st.joining = true;
  t.o.request({ type: 'join', thread }, { internal: true }).then(
    () => {
      st.joining = false;
      st.member = true;
      finish(t, st, false);
    },
    (err: ClientError) => {
      st.joining = false;
      if (err.code === 'connection_lost') return;
      if (t.threads.get(thread) === st) t.threads.delete(thread);
      t.o.report(
        new ClientError('rejoin_failed', `could not join "${thread}" again: ${err.message}`, {
          cause: err,
        }),
      );
    },
  );
}

function join(t: Table, thread: string, explicit: boolean): Promise<void> {
  let st = t.threads.get(thread);
  if (st === undefined) {
    st = fresh(thread);
    t.threads.set(thread, st);
  }
  const state = st;
  if (explicit) state.explicit = true;
  state.leaving = false;
  state.joining = true;
  return t.o.request({ type: 'join', thread }, { retryable: true }).then(
    () => {
      state.joining = false;
      state.member = true;
    },
    (err: unknown) => {
      state.joining = false;
      if (!state.member && t.threads.get(thread) === state) t.threads.delete(thread);
      throw err;
    },
  );
}

function leave(t: Table, thread: string): Promise<void> {
  const st = t.threads.get(thread);
  if (st !== undefined) {
    st.leaving = true;
    st.explicit = false;
  }
  return t.o.request({ type: 'leave', thread }, { retryable: true }).then(
    () => {
      if (st !== undefined && st.leaving && t.threads.get(thread) === st) t.threads.delete(thread);
    },
    (err: unknown) => {
      if (st !== undefined) st.leaving = false;
      throw err;
    },
  );
}

function message(t: Table, frame: MessageFrame & { readonly thread: string }): void {
  let st = t.threads.get(frame.thread);
  if (st === undefined) {
    // Joined on the server's side (the application's server code): track it like any other.
    st = { ...fresh(frame.thread), member: true, explicit: true };
    t.threads.set(frame.thread, st);
  }
  if (st.leaving) return;
  if (st.resuming) st.buffer.push(frame);
  else accept(t, st, frame);
}

function resync(t: Table, thread: string): void {
  const st = t.threads.get(thread);
  if (st === undefined || st.leaving || !st.member) return;
  if (st.resuming) st.resumeAgain = true;
  else startResume(t, st);
}

function restore(t: Table, restored: readonly string[]): void {
  const kept = new Set(restored);
  for (const thread of restored) {
    if (!t.threads.has(thread)) t.threads.set(thread, { ...fresh(thread), explicit: true });
  }
  for (const [thread, st] of t.threads) {
    if (st.leaving) continue; // the queued `leave` goes out next
    if (kept.has(thread)) {
      st.member = true;
      startResume(t, st);
    } else if (!st.joining) {
      rejoin(t, st);
    } else if (st.resuming) {
      // The application's own `join` goes out next; what was buffered is delivered, the gap reported.
      finish(t, st, false);
    }
  }
}

export function createThreadTable(o: ThreadTableOptions): ThreadTable {
  const t: Table = { o, threads: new Map(), duplicates: 0 };
  const threads = t.threads;
  return {
    join: (thread, explicit) => join(t, thread, explicit),
    leave: (thread) => leave(t, thread),
    message: (frame) => message(t, frame),
    resync: (thread) => resync(t, thread),
    restore: (restored) => restore(t, restored),
    disconnected() {
      for (const st of threads.values()) st.member = false;
    },
    isExplicit: (thread) => threads.get(thread)?.explicit ?? false,
    isMember: (thread) => threads.get(thread)?.member ?? false,
    lastOffset: (thread) => threads.get(thread)?.lastOffset,
    list: () => [...threads.keys()],
    get duplicatesDropped() {
      return t.duplicates;
    },
  };
}
