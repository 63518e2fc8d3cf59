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

  /** Starts the server's watch and reads every page into the thread's list. */
  const load = async (thread: string): Promise<ClientPresence> => {
    await o.request({ type: 'join', thread, presence: true }, { retryable: true });
    const users = new Set<string>();
    let count = 0;
    let cursor: string | null = null;
    do {
      const ack: AckFrame = await o.request({
        type: 'presence',
        thread,
        limit: 1000,
        ...(cursor === null ? {} : { cursor }),
      });
      for (const u of ack.presence?.users ?? []) users.add(u.userId);
      count = ack.presence?.count ?? users.size;
      cursor = ack.presence?.next ?? null;
    } while (cursor !== null);
    const w: Watched = { users, count, countsOnly: false };
    watched.set(thread, w);
    const now = snapshot(thread, w);
    o.emit(now);
    return now;
  };

  return {
    watch: load,
    diff(frame) {
      const w = watched.get(frame.thread);
      if (w === undefined) return;
      if (typeof frame.joins === 'number') {
        w.users.clear();
        w.countsOnly = true;
        w.count = 'count' in frame ? frame.count : w.count;
      } else {
        if ('reset' in frame) w.users.clear();
        for (const u of frame.joins) w.users.add(u);
        for (const u of frame.leaves as readonly string[]) w.users.delete(u);
        w.countsOnly = false;
        w.count = w.users.size;
      }
      o.emit(snapshot(frame.thread, w));
    },
    reopened() {
      for (const thread of watched.keys()) load(thread).catch((err: ClientError) => o.report(err));
    },
    forget(thread) {
      watched.delete(thread);
    },
  };
}
