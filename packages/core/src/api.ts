/**
 * The public API: `Manager`, `PluginContext`, `Plugin` and the option and answer types they
 * share. Types only; `createManager` (manager.ts) builds the one implementation.
 */
import type { Clock } from './clock.js';
import type { ClusterHealth, InstanceInfo, ThreadPresence } from './cluster.js';
import type { Connection, InboundMiddleware, OutboundMiddleware } from './connection.js';
import type { Contract } from './contractTypes.js';
import type { ManagerEventName, ManagerListener } from './events.js';
import type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from './ids.js';
import type { Logger } from './logger.js';
import type { ManagerSends } from './managerSends.js';
import type { MetricsRegistry } from './metrics.js';
import type { ResolvedLimits } from './options.js';
import type { ReceiveRequest, ReceiveResult } from './remoteTypes.js';
import type { ConnectOptions } from './connectOptions.js';
import type { SocketLike } from './socket.js';

export type { ConnectOptions, RefreshCredentials, RefreshedCredentials } from './connectOptions.js';

/** Options of `disconnectUser`. */
export interface DisconnectOptions {
  /**
   * `'local'`: this instance only. `'cluster'`: every instance (the cluster adapter's
   * `disconnectUser`); the code must then be 4000-4099 or 4103, and `connectionId` is not
   * allowed (`WsError('invalid_options')`).
   * @default 'local'
   */
  readonly scope?: 'local' | 'cluster';
  /**
   * Only this connection of the user (scope `'local'` only).
   * @default every connection of the user on this instance
   */
  readonly connectionId?: ConnectionId;
  /**
   * Close code.
   * @default 1000 (scope `'local'`), 4103 `revoked` (scope `'cluster'`)
   */
  readonly code?: number;
  /**
   * Close reason.
   * @default ''
   */
  readonly reason?: string;
}

/** Options of `close`. */
export interface CloseOptions {
  /**
   * Drain: send each client a `reconnect` hint and close with 1012 at a bounded rate. Without
   * drain every connection is closed with 1001 at once.
   * @default false
   */
  readonly drain?: boolean;
  /**
   * How long a drain may take before the remaining connections are closed at once, in ms.
   * @default managerDefaults.drain.timeoutMs
   */
  readonly timeoutMs?: number;
}

/** Options of `history`. */
export interface HistoryOptions {
  /**
   * Answer the messages after this offset (a message's `offset`, or a page's `next`).
   * @default from the oldest kept message
   */
  readonly after?: Offset;
  /**
   * At most this many messages: an integer from 1 to `historyDefaults.maxLimit` (1000).
   * @default 100 (`historyDefaults.limit`)
   */
  readonly limit?: number;
}

/** Options of `presence`. */
export interface PresenceOptions {
  /**
   * Continue after a previous page: its `next`.
   * @default from the first user
   */
  readonly cursor?: string;
  /**
   * At most this many users: an integer from 1 to `presencePageDefaults.maxLimit` (1000).
   * @default 100 (`presencePageDefaults.limit`)
   */
  readonly limit?: number;
}

/** One kept thread message, as `history` answers it. */
export interface HistoryMessage {
  readonly offset: Offset;
  /** The publishing user, or `null` for a message the application sent itself. */
  readonly from: UserId | null;
  readonly data: unknown;
}

/** One page of a thread's kept messages, oldest first. */
export interface HistoryPage {
  readonly messages: readonly HistoryMessage[];
  /** The `after` of the following page; `null` when no kept message follows right now. */
  readonly next: Offset | null;
  /**
   * True when the page continues exactly after `after` (always, without `after`). False when
   * `after` is older than the kept window, from before a data loss or unknown to the cluster:
   * the page then starts at the oldest kept message instead.
   */
  readonly recovered: boolean;
}

/** Where a user is connected, across the cluster. */
export interface UserPresence {
  readonly userId: UserId;
  readonly connections: readonly {
    readonly connectionId: ConnectionId;
    readonly instanceId: InstanceId;
  }[];
}

/** This instance's figures. */
export interface ManagerStats {
  readonly instanceId: InstanceId;
  readonly state: 'running' | 'draining' | 'closed';
  readonly connections: number;
  readonly users: number;
  readonly threads: number;
  readonly messagesReceived: number;
  readonly messagesSent: number;
  readonly uptimeMs: number;
}

/** The cluster's figures: every instance the adapter knows, and totals. */
export interface ClusterStats {
  readonly instances: readonly InstanceInfo[];
  readonly connections: number;
  readonly users: number;
  readonly health: ClusterHealth;
}

/** The manager's health: ready only when running and the cluster is ready. */
export interface ManagerHealth {
  readonly status: 'ready' | 'degraded' | 'down';
  readonly state: 'running' | 'draining' | 'closed';
  readonly cluster: ClusterHealth;
  readonly connections: number;
}

/**
 * The one source of truth for connections, users, threads and message semantics. `C` is the
 * contract its sends and `message` event are typed by (`createManager({ contract })`); the
 * default, `Contract` itself (no contract), takes any thread id and any data, as without
 * contracts. A typed manager is a `Manager`: pass it wherever one is expected.
 */
export interface Manager<C extends Contract = Contract> extends ManagerSends<C> {
  readonly instanceId: InstanceId;
  readonly state: 'running' | 'draining' | 'closed';
  readonly metrics: MetricsRegistry;
  /** The limits in force (options with defaults filled in). */
  readonly limits: ResolvedLimits;
  /** Registers an authenticated connection, sends `welcome`; resolves to its id. */
  connectUser(userId: UserId, socket: SocketLike, options?: ConnectOptions): Promise<ConnectionId>;
  /** Joins a connection to a thread (server side: no `authorizeThread`). */
  joinThread(connectionId: ConnectionId, threadId: ThreadId): Promise<void>;
  leaveThread(connectionId: ConnectionId, threadId: ThreadId): Promise<void>;
  findUser(userId: UserId): Promise<UserPresence | null>;
  /**
   * A page of the thread's kept messages after `after` (or from the oldest kept), oldest first,
   * with the same window rules as a client's `resume`. Rejects with `WsError`: `bad_request` (a
   * bad thread id or offset), `invalid_options` (a bad limit), `unavailable` (the cluster
   * adapter cannot page from outside its window), `closed`, or the adapter's error.
   */
  history(threadId: ThreadId, options?: HistoryOptions): Promise<HistoryPage>;
  /**
   * A page of the thread's presence across the cluster: users deduplicated across tabs and
   * instances, with their connection counts. Rejects with `WsError`: `bad_request` (a bad thread
   * id or cursor), `invalid_options` (a bad limit), `unavailable` (the cluster adapter keeps no
   * presence), `closed`, or the adapter's error as `cluster_error`.
   */
  presence(threadId: ThreadId, options?: PresenceOptions): Promise<ThreadPresence>;
  /** How many users are in the thread, across the cluster (rejects like `presence`). */
  presenceCount(threadId: ThreadId): Promise<number>;
  getStats(): ManagerStats;
  getClusterStats(): Promise<ClusterStats>;
  /**
   * Closes a user's connections on this instance (or, with `scope: 'cluster'`, on every
   * instance); resolves to how many were closed: here, plus those the other instances report
   * within the adapter's command timeout.
   */
  disconnectUser(userId: UserId, options?: DisconnectOptions): Promise<number>;
  /**
   * Frames for a connection, from outside its socket (an HTTP transport's POST, which may land
   * on any instance): for a connection here, checks the credential (constant time) and the
   * sequence number, then hands the frames to its inbound path in order, as if they had come on
   * its socket; for a connection of another instance, the cluster adapter forwards the request
   * to the owner and answers what it did. Rejects only for a malformed request
   * (`WsError('bad_request')`: a seq that is not a positive safe integer, frames not an array of
   * strings or bytes).
   */
  receive(connectionId: ConnectionId, request: ReceiveRequest): Promise<ReceiveResult>;
  health(): Promise<ManagerHealth>;
  on<E extends ManagerEventName>(event: E, listener: ManagerListener<E, C>): () => void;
  once<E extends ManagerEventName>(event: E, listener: ManagerListener<E, C>): () => void;
  off<E extends ManagerEventName>(event: E, listener: ManagerListener<E, C>): void;
  /**
   * Runs a plugin's `setup` once and returns its handle. A plugin written inline gets a
   * `PluginContext<C>` (its middleware and `manager` typed by the contract); a generic
   * `Plugin<H>` (written for any manager) fits too.
   */
  use<H>(plugin: Plugin<H, C>): H;
  close(options?: CloseOptions): Promise<void>;
}

/**
 * What a plugin's `setup` receives, from a manager typed by contract `C`: `manager` is that
 * `Manager<C>`, `inbound` and `outbound` middleware see frames typed by `C`. The default,
 * `Contract` (untyped), is what a generic plugin (`Plugin<H>`) gets.
 */
export interface PluginContext<C extends Contract = Contract> {
  readonly manager: Manager<C>;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  onError(
    err: unknown,
    info: { readonly stage: string; readonly connectionId?: ConnectionId },
  ): void;
  inbound(middleware: InboundMiddleware<C>): void;
  outbound(middleware: OutboundMiddleware<C>): void;
  connections(): IterableIterator<Connection>;
  getConnection(id: ConnectionId): Connection | undefined;
  /** Emits a plugin event on the manager; names carry the plugin's prefix (`heartbeat:timeout`). */
  emit(event: `${string}:${string}`, ...args: unknown[]): void;
  /** Runs when the manager closes (clear timers here). */
  onClose(hook: () => void | Promise<void>): void;
  /**
   * Adds fields to every later `welcome` frame (e.g. `@ws/heartbeat`'s `heartbeat`). A field of
   * core's own (`type`, `connectionId`, `userId`, `instanceId`, `resumeToken`, `restored`,
   * `expiresAt`) or one another plugin added throws `WsError('invalid_options')`.
   */
  welcome(fields: WelcomeFields): void;
}

/** Fields a plugin adds to the `welcome` frame: values the connection's codec can encode. */
export type WelcomeFields = Readonly<Record<string, unknown>>;

/**
 * A plugin: `manager.use(plugin)` runs `setup` once and returns its handle. `C` is the contract
 * its context is typed by; the default, `Contract`, makes a plugin for any manager, typed or not.
 */
export interface Plugin<Handle = void, C extends Contract = Contract> {
  readonly name: string;
  setup(ctx: PluginContext<C>): Handle;
}
