import type { ThreadId } from '@ws/core';

/** One own thread publication in flight: sent, until core has written it to local members. */
export interface OwnEntry {
  /** Its offset, once the script answered. */
  offset: string | undefined;
  /** Its own envelope came back on the subscriber. */
  arrived: boolean;
  /** The promise core awaits; settled once core has written it locally. */
  outer: Promise<unknown> | undefined;
  settled: boolean;
  onArrive: (() => void) | undefined;
}

interface Queued {
  readonly fn: () => void;
  /** The own publication core must write first. */
  readonly after: OwnEntry;
}

interface ThreadOrder {
  readonly entries: OwnEntry[];
  readonly queue: Queued[];
}

/**
 * Keeps one thread's deliveries in offset order on the instance that publishes on it too. An
 * instance writes its own thread message to local members when its publish returns, but another
 * publisher's earlier message may still be on its way through the subscriber (or a later one may
 * already be there): written in that order, a client would get offsets out of order. So an own
 * publish waits until its envelope came back on the subscriber (everything before it on the
 * channel has then been delivered), and a foreign message that arrives after that own envelope
 * waits until core has written the own one (it runs after core's handler of the same promise).
 */
export interface OwnOrder {
  /** Registers an own publication about to be sent on a subscribed thread. */
  begin(threadId: ThreadId): OwnEntry;
  /** The promise core awaits for `entry`; the entry is dropped once it settles. */
  attach(threadId: ThreadId, entry: OwnEntry, outer: Promise<unknown>): void;
  /** An own envelope of the thread came back on the subscriber. */
  ownArrived(threadId: ThreadId, offset: string): void;
  /** Runs a foreign delivery now, or after the own publications core has not written yet. */
  deliver(threadId: ThreadId, fn: () => void): void;
}

/** Creates the ordering state of one adapter (no timer: an entry lives as long as its send). */
export function createOwnOrder(): OwnOrder {
  const threads = new Map<ThreadId, ThreadOrder>();

  const flush = (threadId: ThreadId): void => {
    const t = threads.get(threadId);
    if (t === undefined) return;
    while (t.queue.length > 0) {
      const head = t.queue[0] as Queued;
      if (!head.after.settled) {
        const release = (): void => flush(threadId);
        void head.after.outer?.then(release, release);
        return;
      }
      t.queue.shift();
      head.fn();
    }
    if (t.entries.length === 0) threads.delete(threadId);
  };

  return {
    begin(threadId) {
      let t = threads.get(threadId);
      if (t === undefined) threads.set(threadId, (t = { entries: [], queue: [] }));
      const entry: OwnEntry = {
        offset: undefined,
        arrived: false,
        outer: undefined,
        settled: false,
        onArrive: undefined,
      };
      t.entries.push(entry);
      return entry;
    },
    attach(threadId, entry, outer) {
      entry.outer = outer;
      // Registered before core's handler: it only marks the entry; queued deliveries are
      // released by handlers registered later, so they run after core wrote the message.
      const done = (): void => {
        entry.settled = true;
        const t = threads.get(threadId);
        if (t === undefined) return;
        const i = t.entries.indexOf(entry);
        if (i >= 0) t.entries.splice(i, 1);
        if (t.entries.length === 0 && t.queue.length === 0) threads.delete(threadId);
      };
      outer.then(done, done);
    },
    ownArrived(threadId, offset) {
      const t = threads.get(threadId);
      if (t === undefined) return;
      const entry =
        t.entries.find((e) => e.offset === offset) ??
        t.entries.find((e) => !e.arrived && e.offset === undefined);
      if (entry === undefined) return;
      entry.arrived = true;
      entry.onArrive?.();
    },
    deliver(threadId, fn) {
      const t = threads.get(threadId);
      if (t === undefined) {
        fn();
        return;
      }
      let after: OwnEntry | undefined;
      for (const e of t.entries) if (e.arrived && !e.settled) after = e;
      if (after === undefined && t.queue.length === 0) {
        fn();
        return;
      }
      const last = after ?? (t.queue.at(-1) as Queued).after;
      t.queue.push({ fn, after: last });
      if (t.queue.length === 1) flush(threadId);
    },
  };
}
