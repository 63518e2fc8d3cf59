import type { RawSubscriber } from './duplicate.js';

type Listener = (...args: never[]) => void;

/**
 * The subscriber connection, replaceable: listeners registered here stay attached to whichever
 * connection is current. A replacement exists for one ioredis Cluster failure that never heals
 * by itself: its sharded subscriber group can map a slot to a node it holds no subscriber for
 * (the node's pool connection was recreated during a reset), and every later `SSUBSCRIBE` of that
 * slot fails with "No sharded subscriber for slot" until the topology changes.
 */
export interface SubscriberHolder {
  current(): RawSubscriber;
  /** Listens on the current connection and on every one that replaces it. */
  on(event: string, listener: Listener): void;
  /**
   * Drops the current connection (its listeners detached first, so its close reaches nobody)
   * for a fresh one, then calls the `close` listeners: what was published meanwhile may be lost,
   * and every channel must be subscribed again on the new connection's `ready`.
   */
  replace(): void;
}

/** Holds the subscriber connections that `create` makes, starting with one. */
export function createSubscriberHolder(create: () => RawSubscriber): SubscriberHolder {
  const listeners: [string, Listener][] = [];
  let sub = create();
  return {
    current: () => sub,
    on(event, listener) {
      listeners.push([event, listener]);
      sub.on(event, listener);
    },
    replace() {
      const old = sub;
      for (const [event, listener] of listeners) old.off(event, listener);
      old.on('error', () => undefined); // a late socket error of the dropped connection
      old.disconnect();
      sub = create();
      for (const [event, listener] of listeners) sub.on(event, listener);
      for (const [event, listener] of listeners) if (event === 'close') listener();
    },
  };
}
