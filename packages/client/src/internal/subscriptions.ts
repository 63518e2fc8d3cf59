import { ClientError } from '../errors.js';
import type { ClientEvents, ClientMessage } from '../events.js';
import type { MessageFrame } from '../frames.js';
import type { Subscription } from '../subscription.js';
import type { Emitter } from './emitter.js';
import type { ThreadTable } from './threads.js';

type Listener = (message: ClientMessage) => void;

/** The application's thread listeners, and the routing of every message to them. */
export interface Subscriptions {
  /** A message for the application: the `message` event, then its thread's listeners. */
  deliver(frame: MessageFrame): void;
  /** Adds a thread listener, joining the thread when the client is not a member yet. */
  subscribe(thread: string, listener: Listener): Subscription;
}

export interface SubscriptionsOptions {
  readonly emitter: Emitter<ClientEvents>;
  report(err: ClientError): void;
  readonly threads: ThreadTable;
  /** True once the client is closed for good. */
  isClosed(): boolean;
}

interface State {
  readonly o: SubscriptionsOptions;
  readonly listeners: Map<string, Set<Listener>>;
}

function deliver(s: State, frame: MessageFrame): void {
  const message: ClientMessage = {
    ...(frame.thread === undefined ? {} : { thread: frame.thread }),
    from: frame.from,
    data: frame.data,
    ...(frame.offset === undefined ? {} : { offset: frame.offset }),
  };
  s.o.emitter.emit('message', message);
  if (frame.thread === undefined) return;
  for (const listener of [...(s.listeners.get(frame.thread) ?? [])]) {
    try {
      listener(message);
    } catch (err) {
      s.o.report(
        new ClientError('internal_error', 'a subscription listener threw', { cause: err }),
      );
    }
  }
}

function subscribe(s: State, thread: string, listener: Listener): Subscription {
  const { o, listeners } = s;
  const threads = o.threads;
  let set = listeners.get(thread);
  if (set === undefined) {
    set = new Set();
    listeners.set(thread, set);
  }
  set.add(listener);
  const joined = threads.isMember(thread) ? Promise.resolve() : threads.join(thread, false);
  joined.catch((err: unknown) => {
    o.report(
      err instanceof ClientError
        ? err
        : new ClientError('internal_error', String(err), { cause: err }),
    );
  });
  let active = true;
  return {
    thread,
    joined,
    unsubscribe() {
      if (!active) return Promise.resolve();
      active = false;
      const current = listeners.get(thread);
      current?.delete(listener);
      if (current !== undefined && current.size === 0) {
        listeners.delete(thread);
        if (!threads.isExplicit(thread) && threads.list().includes(thread) && !o.isClosed()) {
          return threads.leave(thread);
        }
      }
      return Promise.resolve();
    },
  };
}

export function createSubscriptions(o: SubscriptionsOptions): Subscriptions {
  const s: State = { o, listeners: new Map() };
  return {
    deliver: (frame) => deliver(s, frame),
    subscribe: (thread, listener) => subscribe(s, thread, listener),
  };
}
