import type { Contract, DirectPayload, PayloadOf, ThreadOf, UntypedContract } from './contract.js';
import { ClientError } from './errors.js';
import type {
  ClientEventName,
  ClientEvents,
  ClientMessage,
  ClientPresence,
  ClientState,
} from './events.js';
import { closeForGood, connectNow, openSocket } from './internal/connection.js';
import { createConnectionState } from './internal/connectionState.js';
import { createEmitter } from './internal/emitter.js';
import { createLink, isLinkOpen, sendVolatile, writeFrame } from './internal/link.js';
import type { Inbound } from './internal/receive.js';
import { createPresenceTable } from './internal/presence.js';
import { receive } from './internal/receive.js';
import { createRequestTable } from './internal/requests.js';
import { resolveOptions } from './internal/resolveOptions.js';
import { createSubscriptions } from './internal/subscriptions.js';
import { createThreadTable } from './internal/threads.js';
import type { ClientOptions } from './options.js';
import type { Subscription } from './subscription.js';

/** The client's counters. */
export interface ClientStats {
  /** Thread messages dropped because their offset was already delivered. */
  readonly duplicatesDropped: number;
  /** Successful connections after the first. */
  readonly reconnects: number;
  /** Requests waiting for a connection. */
  readonly queued: number;
  /** Requests sent and not yet answered. */
  readonly inFlight: number;
}

/**
 * The client: one logical connection that survives reconnects. With a contract
 * (`createClient<typeof contract>()`), threads are the contract's and `data` its schemas' types.
 */
export interface Client<C extends Contract = UntypedContract> {
  readonly state: ClientState;
  /** The URL of the current (or next) socket, without token or resume token. */
  readonly url: string;
  /** Of the current connection (from `welcome`). */
  readonly connectionId: string | undefined;
  readonly userId: string | undefined;
  readonly instanceId: string | undefined;
  /** Joins a thread (through the server's `authorizeThread`); resolves on `ack`. */
  join(thread: ThreadOf<C>): Promise<void>;
  leave(thread: string): Promise<void>;
  /** Publishes to a joined thread; resolves with the offset the server assigned. */
  publish<T extends ThreadOf<C>>(
    thread: T,
    data: PayloadOf<C, T>,
  ): Promise<{ readonly offset?: string }>;
  /** Sends a direct message to a user (through the server's `authorizeDirect`). */
  direct(to: string, data: DirectPayload<C>): Promise<void>;
  /**
   * Fire-and-forget publish for high-rate, losable traffic (typing, cursors): sent without an
   * `id`, so the server writes no `ack`; a refusal still arrives as an `error` event. Sent only
   * while open, never queued: returns false (nothing sent) otherwise.
   */
  publishVolatile<T extends ThreadOf<C>>(thread: T, data: PayloadOf<C, T>): boolean;
  /** Fire-and-forget direct message: as {@link Client.publishVolatile}. */
  directVolatile(to: string, data: DirectPayload<C>): boolean;
  /**
   * Watches a thread's presence (joining it when needed, through the server's
   * `authorizePresence`): resolves with its users, then `presence` events follow its changes;
   * after a reconnect the list is read anew. Leaving the thread ends the watch.
   */
  presence(thread: string): Promise<ClientPresence>;
  /** Listens to one thread's messages, joining it when needed. */
  subscribe<T extends ThreadOf<C>>(
    thread: T,
    listener: (message: ClientMessage<PayloadOf<C, T>, T>) => void,
  ): Subscription;
  on<E extends ClientEventName>(
    event: E,
    listener: (payload: ClientEvents<C>[E]) => void,
  ): () => void;
  off<E extends ClientEventName>(event: E, listener: (payload: ClientEvents<C>[E]) => void): void;
  /** The offset of the newest message delivered for a thread. */
  lastOffset(thread: string): string | undefined;
  /** The threads the client holds (joined, joining or restored). */
  threads(): string[];
  stats(): ClientStats;
  /** Connects now: from `idle`, after a close the client did not retry, or cutting a backoff wait short. */
  connect(): void;
  /** Closes for good (1000); pending and queued requests reject with `closed`. */
  close(): void;
}

function requireThreadArg(thread: string): void {
  if (typeof thread !== 'string' || thread === '')
    throw new ClientError('bad_request', 'thread must be a non-empty string');
}

/**
 * Creates a client for the `wsm.v1` protocol. Connects at once unless `autoConnect: false`.
 * `createClient<typeof contract>(options)` types it by a contract (types only: nothing of the
 * contract is needed or checked at run time); without one, threads are strings and `data`
 * `unknown`.
 *
 * The facade over the client's parts: the link (state and socket), the requests, the threads,
 * the subscriptions, the reconnect state machine, and the routing of inbound frames.
 */
export function createClient<C extends Contract = UntypedContract>(
  options: ClientOptions,
): Client<C> {
  const o = resolveOptions(options);
  const emitter = createEmitter<ClientEvents>((err, event) => {
    if (event !== 'error')
      report(
        new ClientError('internal_error', `a '${String(event)}' listener threw`, { cause: err }),
      );
  });
  const report = (err: ClientError): void => emitter.emit('error', err);
  const link = createLink(o.codec);
  const isClosed = (): boolean => link.state === 'closed';

  const requests = createRequestTable({
    timers: o.timers,
    timeoutMs: o.requestTimeoutMs,
    maxQueued: o.maxQueued,
    isOpen: () => isLinkOpen(link),
    isClosed,
    send: (frame) => writeFrame(link, frame),
  });
  const threads = createThreadTable({
    request: (frame, kind) => requests.start(frame, kind),
    deliver: (frame) => subscriptions.deliver(frame),
    resumed: (thread, recovered) => emitter.emit('resumed', { thread, recovered }),
    report,
  });
  const subscriptions = createSubscriptions({ emitter, report, threads, isClosed });
  const connection = createConnectionState({
    options: o,
    link,
    emitter,
    report,
    requests,
    threads,
    onData: (data) => receive(inbound, data),
  });
  const presence = createPresenceTable({
    request: (frame, kind) => requests.start(frame, kind),
    emit: (p) => emitter.emit('presence', p),
    report,
  });
  emitter.on('open', (e) => {
    if (e.resumed) presence.reopened();
  });
  const inbound: Inbound = { connection, subscriptions, presence };

  const client: Client = {
    get state() {
      return link.state;
    },
    get url() {
      return connection.currentUrl;
    },
    get connectionId() {
      return link.state === 'open' ? connection.welcome?.connectionId : undefined;
    },
    get userId() {
      return connection.welcome?.userId;
    },
    get instanceId() {
      return link.state === 'open' ? connection.welcome?.instanceId : undefined;
    },

    join(thread) {
      requireThreadArg(thread);
      return threads.join(thread, true);
    },
    leave(thread) {
      requireThreadArg(thread);
      presence.forget(thread);
      return threads.leave(thread);
    },
    async presence(thread) {
      requireThreadArg(thread);
      await threads.join(thread, true);
      return presence.watch(thread);
    },
    async publish(thread, data) {
      requireThreadArg(thread);
      const ack = await requests.start({ type: 'publish', thread, data });
      return ack.offset === undefined ? {} : { offset: ack.offset };
    },
    async direct(to, data) {
      await requests.start({ type: 'direct', to, data });
    },
    publishVolatile(thread, data) {
      requireThreadArg(thread);
      return sendVolatile(link, { type: 'publish', thread, data });
    },
    directVolatile(to, data) {
      return sendVolatile(link, { type: 'direct', to, data });
    },

    subscribe(thread, listener) {
      requireThreadArg(thread);
      // Typed only for the caller: a message's data is whatever arrived.
      return subscriptions.subscribe(thread, listener as (message: ClientMessage) => void);
    },

    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    lastOffset: (thread) => threads.lastOffset(thread),
    threads: () => threads.list(),
    stats: () => ({
      duplicatesDropped: threads.duplicatesDropped,
      reconnects: Math.max(0, connection.opens - 1),
      queued: requests.queued,
      inFlight: requests.inFlight,
    }),

    connect: () => connectNow(connection),
    close: () => closeForGood(connection),
  };

  if (o.autoConnect) void openSocket(connection);
  // The contract only narrows the types (the untyped client takes every thread and data).
  return client as unknown as Client<C>;
}
