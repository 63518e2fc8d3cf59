import type { ClientError } from '../errors.js';
import type { ClientPresence } from '../events.js';
import type { AckFrame, PresenceDiffFrame } from '../frames.js';
import type { RequestFrame, RequestKind } from './requests.js';

/** The watched threads' member lists, kept from pages and diffs. */
export interface PresenceTable {
  /** Watches a joined thread's presence and reads its whole member list. */
  watch(thread: string): Promise<ClientPresence>;
  /** A `presence_diff` from the server. */
  diff(frame: PresenceDiffFrame): void;
  /** After a reconnect: watches again and reads the lists anew (diffs sent meanwhile are lost). */
  reopened(): void;
  /** The thread was left: its watch ended with it. */
  forget(thread: string): void;
}

export interface PresenceTableOptions {
  request(frame: RequestFrame, kind?: RequestKind): Promise<AckFrame>;
  emit(presence: ClientPresence): void;
  report(err: ClientError): void;
}

/** One watched thread: its users (none kept while the thread is over the server's list size). */
interface Watched {
  users: Set<string>;
  count: number;
  countsOnly: boolean;
}

function snapshot(thread: string, w: Watched): ClientPresence {
  return { thread, count: w.count, users: [...w.users], countsOnly: w.countsOnly };
}

/** Creates the presence table: one `join` with `presence: true` and the pages per watch. */
export function createPresenceTable(o: PresenceTableOptions): PresenceTable {
  const watched = new Map<string, Watched>();
  /** Threads whose list is being read, with the diffs that came meanwhile. */
  const loading = new Map<string, PresenceDiffFrame[]>();

  /** Applies a diff to a loaded thread's list. */
  const apply = (w: Watched, frame: PresenceDiffFrame): void => {
    if (typeof frame.joins === 'number') {
      w.users.clear();
      w.countsOnly = true;
      w.count = 'count' in frame ? frame.count : w.count;
      return;
    }
    if ('reset' in frame) w.users.clear();
    for (const u of frame.joins) w.users.add(u);
    for (const u of frame.leaves as readonly string[]) w.users.delete(u);
    w.countsOnly = false;
    w.count = w.users.size;
  };

  /**
   * Starts the server's watch and reads the list: every page, or only the first when the server
   * says the thread is over its list size (its diffs then carry counts). Diffs that arrive
   * meanwhile are kept and applied after the pages, in order.
   */
  const load = async (thread: string): Promise<ClientPresence> => {
    const early: PresenceDiffFrame[] = [];
    loading.set(thread, early);
    try {
      await o.request({ type: 'join', thread, presence: true }, { retryable: true });
      const w: Watched = { users: new Set(), count: 0, countsOnly: false };
      let cursor: string | null = null;
      do {
        const ack: AckFrame = await o.request({
          type: 'presence',
          thread,
          limit: 1000,
          ...(cursor === null ? {} : { cursor }),
        });
        for (const u of ack.presence?.users ?? []) w.users.add(u.userId);
        w.count = ack.presence?.count ?? w.users.size;
        w.countsOnly = ack.presence?.countsOnly === true;
        cursor = w.countsOnly ? null : (ack.presence?.next ?? null);
      } while (cursor !== null);
      if (w.countsOnly) w.users.clear();
      for (const frame of early) apply(w, frame);
      watched.set(thread, w);
      const now = snapshot(thread, w);
      o.emit(now);
      return now;
    } finally {
      if (loading.get(thread) === early) loading.delete(thread);
    }
  };

  return {
    watch: load,
    diff(frame) {
      const early = loading.get(frame.thread);
      if (early !== undefined) {
        early.push(frame);
        return;
      }
      const w = watched.get(frame.thread);
      if (w === undefined) return;
      apply(w, frame);
      o.emit(snapshot(frame.thread, w));
    },
    reopened() {
      for (const thread of watched.keys()) load(thread).catch((err: ClientError) => o.report(err));
    },
    forget(thread) {
      watched.delete(thread);
      loading.delete(thread);
    },
  };
}
