import type EventEmitter from 'eventemitter3';
import type { RefreshCredentials } from '../api.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { ClusterAdapter } from '../cluster.js';
import type { Codec } from '../codec.js';
import type { Contract } from '../contractTypes.js';
import type { WsError } from '../errors.js';
import type { ManagerEvents } from '../events.js';
import type { ClientFrame, ErrorFrame } from '../frames.js';
import type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { Counter, MetricsRegistry } from '../metrics.js';
import type { ManagerOptions, ResolvedLimits } from '../options.js';
import type { Connection, InboundMiddleware, OutboundMiddleware } from '../connection.js';
import type { SocketLike } from '../socket.js';
import type { FrameValidator } from '../validateFrame.js';
import type { TokenBucketState } from './tokenBucket.js';

/**
 * The key of a queued refusal. A symbol, because a client frame is arbitrary decoded data: a
 * string key (`reject`) could be sent by a client in any frame, which would then be taken for a
 * refusal. Decoded frames never carry symbol keys.
 */
export const queuedRejection: unique symbol = Symbol('queued rejection');

/** A refusal decided on arrival but sent in order, after the frames queued before it. */
export interface QueuedRejection {
  readonly [queuedRejection]: ErrorFrame;
}

/** What waits in a connection's inbound queue. */
export type QueueItem = ClientFrame | QueuedRejection;

/** Everything the manager knows of one connection. Internal: plugins see `view`. */
export interface ConnRecord extends TokenBucketState {
  readonly id: ConnectionId;
  readonly userId: UserId;
  readonly socket: SocketLike;
  readonly codec: Codec;
  readonly context: Readonly<Record<string, unknown>>;
  /**
   * Times on the record (`connectedAt`, `lastActivityAt`, `tokensAt`) are ms since the manager's
   * `timeOrigin`: small integers stay unboxed in V8 (epoch milliseconds would cost a 16-byte heap
   * number per field per connection). The view adds the origin back.
   */
  readonly connectedAt: number;
  /**
   * Thread -> the offset at which this session first joined it. The manager's shared empty map
   * until the first join (most connections never join): write only through `addMembership` and
   * `removeMembership`, which give the record a map of its own first.
   */
  threads: ReadonlyMap<ThreadId, Offset>;
  /**
   * The threads, as the view shows them (`Connection.threads`). Shared and empty like `threads`
   * until the first join or the first read of the view's `threads`, whichever comes first; from
   * then on the connection's own set, the same object for the rest of its life.
   */
  threadIds: ReadonlySet<ThreadId>;
  /** Frames waiting their turn (created on first need: a frame usually runs at once). */
  queue: QueueItem[] | undefined;
  /** Threads owed a `resync` once the slow consumer drains (created on first need). */
  resyncPending: Set<ThreadId> | undefined;
  /** Joins waiting for the cluster; a leave meanwhile cancels them (created on first need). */
  pendingJoins: Set<ThreadId> | undefined;
  /** True once a session with threads was written (an empty one needs no write before that). */
  sessionSaved: boolean;
  /**
   * Detach core's socket listeners (message, close, and pong where the socket has it). Fields,
   * not an array: an array of three costs about 70 bytes per connection.
   */
  offMessage: (() => void) | undefined;
  offClose: (() => void) | undefined;
  offPong: (() => void) | undefined;
  view: Connection;
  lastActivityAt: number;
  expiresAt: number | undefined;
  /** Checks `refresh` frames (connect's option; attach's one function, shared by its connections). */
  readonly refresh: RefreshCredentials | undefined;
  violations: number;
  busy: boolean;
  registered: boolean;
  closed: boolean;
  resumeToken: string;
  generation: number;
}

/** What core keeps of a connection registered with a credential (see `receive.ts`). */
export interface Receiver {
  readonly credential: string;
  /** The seq of the last batch delivered (0: none yet). */
  lastSeq: number;
}

/** A user's presence in a thread over one coalescing interval: before it, and now. */
export interface PendingUser {
  readonly was: boolean;
  now: boolean;
}

/** Presence watchers of this instance and the changes waiting for their next diff. */
export interface PresenceState {
  /** Per thread, the local connections that joined it with `"presence": true`. */
  readonly watchers: Map<ThreadId, Set<ConnectionId>>;
  /** Per watched thread, the users whose presence changed since the last diff. */
  readonly pending: Map<ThreadId, Map<UserId, PendingUser>>;
  /** Watched threads whose last diff carried counts only (over `fullListMax`). */
  readonly countsOnly: Set<ThreadId>;
  /** The one flush timer, while changes wait. */
  timer: TimerHandle | undefined;
}

/** The manager's core metrics, bound once so hot paths do no lookups. */
export interface CoreMetrics {
  readonly received: Counter;
  readonly sent: Counter;
  readonly dropped: Counter;
  readonly errorsSent: Counter;
  readonly violations: Counter;
  readonly opened: Counter;
  readonly closed: Counter;
  readonly evicted: Counter;
  readonly sendFailures: Counter;
  readonly historyReads: Counter;
  readonly refreshes: Counter;
  readonly presenceChanges: Counter;
  readonly presenceDiffs: Counter;
  readonly receives: Counter;
  readonly clusterOps: Counter;
}

/**
 * The events of a manager's emitter: core's own, typed by {@link ManagerEvents}, and the plugins'
 * prefixed ones (`heartbeat:timeout`), whose arguments are the plugin's business.
 */
export type EmitterEvents = ManagerEvents & { [event: `${string}:${string}`]: unknown[] };

/** The shared state of one manager instance. Nothing here is module-level. */
export interface ManagerState {
  readonly options: ManagerOptions;
  readonly limits: ResolvedLimits;
  readonly instanceId: InstanceId;
  readonly clock: Clock;
  /** `clock.now()` when the manager was created: the origin of the times kept on records. */
  readonly timeOrigin: number;
  readonly cluster: ClusterAdapter;
  readonly codec: Codec;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly m: CoreMetrics;
  readonly emitter: EventEmitter<EmitterEvents>;
  readonly validator: FrameValidator;
  /** The contract server sends are checked against (`validateSends`), or undefined. */
  readonly sendContract: Contract | undefined;
  readonly connections: Map<ConnectionId, ConnRecord>;
  /**
   * Each user's connections here: the record itself while there is one (most users), a `Set`
   * from the second on (a `Set` per user was ~150 bytes per idle connection). Read through
   * {@link userConnections}.
   */
  readonly users: Map<UserId, ConnRecord | Set<ConnRecord>>;
  readonly threads: Map<ThreadId, Set<ConnRecord>>;
  /** Presence watchers and their pending diffs. */
  readonly presence: PresenceState;
  /** Per thread, the newest join offset of any local member: messages older than it need a per-member check. */
  readonly newestJoin: Map<ThreadId, Offset>;
  /**
   * The credential and last batch seq of connections registered with a credential (HTTP
   * transports); a side table, so WebSocket connections carry no field for it.
   */
  readonly receivers: WeakMap<ConnRecord, Receiver>;
  readonly inbound: InboundMiddleware[];
  readonly outbound: OutboundMiddleware[];
  /** The plugins' close hooks, run in order by `close()`. */
  readonly closeHooks: (() => void | Promise<void>)[];
  /** The fields plugins added to `welcome` (`PluginContext.welcome`). */
  readonly welcomeFields: Record<string, unknown>;
  readonly startedAt: number;
  lifecycle: 'running' | 'draining' | 'closed';
  nextConnection: number;
  /** Connections between `connectUser`'s start and their registration. */
  pendingConnects: number;
  /**
   * The empty thread map and set shared by this manager's connections that have no thread yet
   * (created with the first connection; never written).
   */
  noThreads?: {
    readonly threads: ReadonlyMap<ThreadId, Offset>;
    readonly threadIds: ReadonlySet<ThreadId>;
  };
  /** Random bytes for resume tokens, drawn many tokens at a time (created with the first connection). */
  tokenBytes?: { readonly bytes: Uint8Array; next: number };
  /** The prototype of this manager's connection views (created with the first connection). */
  viewPrototype?: object;
  reportError(err: unknown, stage: string, connectionId?: ConnectionId): WsError;
}
