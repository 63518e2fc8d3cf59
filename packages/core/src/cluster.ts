import type { Clock } from './clock.js';
import type { ServerFrame, MessageFrame } from './frames.js';
import type { ConnectionId, InstanceId, Offset, ThreadId, UserId } from './ids.js';
import type { Logger } from './logger.js';
import type { MetricsRegistry } from './metrics.js';
import type {
  ConnectionSendOutcome,
  ReceiveRequest,
  ReceiveResult,
  RemoteConnection,
  UserClose,
} from './remoteTypes.js';

export type { ConnectionSendOutcome, RemoteConnection, UserClose } from './remoteTypes.js';

/** Whom a delivery is for: a user's connections, a thread's members, one connection, or all. */
export type DeliveryTarget =
  | { readonly kind: 'user'; readonly userId: UserId }
  | { readonly kind: 'thread'; readonly threadId: ThreadId }
  | { readonly kind: 'connection'; readonly connectionId: ConnectionId }
  | { readonly kind: 'all' };

/** A scope an instance holds locally and so must receive remote publications for. */
export type LocalScope =
  | { readonly kind: 'user'; readonly userId: UserId }
  | { readonly kind: 'thread'; readonly threadId: ThreadId };

/** What the manager does when a user is at its connection limit. */
export type UserLimitPolicy = 'reject' | 'evict-oldest';

/** The answer of {@link ClusterAdapter.admit}. */
export type AdmitResult =
  | {
      readonly admitted: true;
      /** Connections to close with 4100 to make room (the adapter evicts remote ones itself). */
      readonly evict: readonly ConnectionId[];
    }
  | { readonly admitted: false; readonly reason: string };

/** A session as kept under its resume token. */
export interface SessionRecord {
  readonly userId: UserId;
  /** Per thread, the offset at which the session first joined it (replays never reach before). */
  readonly threads: Readonly<Record<string, Offset>>;
  /** Increases each time the session is taken; a stale connection cannot write it back. */
  readonly generation: number;
}

/**
 * The answer of {@link ClusterAdapter.history}: the frames after the asked offset, oldest first,
 * or not recoverable. A not-recoverable answer to a paged read (one given {@link HistoryRead})
 * carries the oldest kept frames instead; one without `frames` cannot be paged (an adapter
 * written before paging).
 */
export type HistoryResult =
  | { readonly recoverable: true; readonly frames: readonly MessageFrame[] }
  | { readonly recoverable: false; readonly frames?: readonly MessageFrame[] };

/**
 * A paged read of {@link ClusterAdapter.history} (what `manager.history` passes; `resume`
 * passes none). Optional for adapters written before it: core then pages what they answer, and
 * answers `WsError('unavailable')` where they give no frames (a start outside the kept window).
 */
export interface HistoryRead {
  /** At most this many frames (core asks one more than the page, to learn whether more follow). */
  readonly limit: number;
}

/** Where a user's connections are, per instance. */
export interface UserLocation {
  readonly instanceId: InstanceId;
  readonly connectionIds: readonly ConnectionId[];
}

/** One instance of the cluster, as the registry knows it. */
export interface InstanceInfo {
  readonly instanceId: InstanceId;
  /** The URL clients may reconnect to, when the instance advertises one. */
  readonly url?: string;
  readonly lastHeartbeatAt: number;
  readonly connections: number;
  readonly users: number;
  readonly self: boolean;
  readonly state?: 'running' | 'draining';
}

/** The cluster's health as one adapter sees it. */
export interface ClusterHealth {
  readonly status: 'ready' | 'degraded' | 'down';
  readonly detail?: string;
}

/** The outcome of a remote publication. */
export interface PublishOutcome {
  /** True when the frame was handed to other instances. */
  readonly published: boolean;
}

/** The outcome of a thread publication: the offset the cluster assigned to the message. */
export interface ThreadPublishOutcome extends PublishOutcome {
  readonly offset: Offset;
}

/** A local connection as the adapter may see it. */
export interface LocalConnectionInfo {
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  readonly threads: ReadonlySet<ThreadId>;
}

/** A user present in a thread: their connections to it, on every instance. */
export interface PresenceMember {
  readonly userId: UserId;
  readonly connections: number;
}

/** One page of a thread's presence: users deduplicated across tabs and instances. */
export interface ThreadPresence {
  /** Users present in the thread (all of them, not only this page's). */
  readonly count: number;
  readonly users: readonly PresenceMember[];
  /** The `cursor` of the next page; `null` when this page is the last. */
  readonly next: string | null;
}

/** A paged read of a thread's presence. */
export interface PresencePage {
  /** Where to continue: a previous page's `next`; absent: from the start. */
  readonly cursor?: string;
  /** At most this many users (1-1000). */
  readonly limit: number;
}

/**
 * Users who joined a thread (their first connection to it anywhere) and users who left it (their
 * last connection to it closed, left, or died with its instance), as one instance learned them.
 */
export interface PresenceChange {
  readonly threadId: ThreadId;
  readonly joins: readonly UserId[];
  readonly leaves: readonly UserId[];
}

/** What the adapter may do to, and learn from, the instance that started it. */
export interface ClusterContext {
  readonly instanceId: InstanceId;
  /** Deliver a frame that came from another instance to this instance's matching connections. */
  deliverLocal(target: DeliveryTarget, frame: ServerFrame): void;
  /** Close a local connection (e.g. evicted by another instance); false when it is not here. */
  evictLocal(connectionId: ConnectionId, code: number): boolean;
  localConnections(): Iterable<LocalConnectionInfo>;
  /**
   * Closes every connection of a user on this instance, for a peer's cluster-wide
   * `disconnectUser`; answers how many. Optional for adapters written against older cores:
   * without it an adapter does not serve remote disconnects (the asking instance counts none).
   */
  readonly closeUserLocal?: (userId: UserId, close: UserClose) => number;
  /**
   * Presence changes made elsewhere: other instances' joins and leaves, and the leaves of a dead
   * instance's users (sent once, by the survivor that purged it). Optional for adapters written
   * against older cores: without it presence diffs show this instance's changes only.
   */
  readonly presenceChanged?: (change: PresenceChange) => void;
  /**
   * Writes a frame from a peer's `sendToConnection` to one local connection. Optional for
   * adapters written against older cores: without it an adapter does not serve remote sends
   * (the sending instance gets `no_answer`).
   */
  readonly sendLocal?: (
    connectionId: ConnectionId,
    frame: ServerFrame,
  ) => Exclude<ConnectionSendOutcome, 'no_answer'>;
  /**
   * Hands frames from a peer's `receive` (a POST of an HTTP transport that landed there) to one
   * local connection, after its credential and sequence checks. Optional for adapters written
   * against older cores: without it an adapter does not serve remote receives (the asking
   * instance gets `no_answer`).
   */
  readonly receiveLocal?: (connectionId: ConnectionId, request: ReceiveRequest) => ReceiveResult;
  /** The manager's per-user limit, for cluster-wide enforcement. */
  readonly limits: {
    readonly maxConnectionsPerUser: number;
    readonly onUserLimit: UserLimitPolicy;
  };
  /** How long a session is kept after its last write, in ms. */
  readonly sessionTtlMs: number;
  readonly clock: Clock;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  /** Background failures go here; adapters never throw from background work. */
  onError(err: unknown, info: { readonly stage: string }): void;
  /**
   * The manager's lifecycle right now, so an adapter can advertise `draining` in its instance
   * record (peers then never send clients to an instance that is itself draining). Optional for
   * adapters written against older cores: treat a missing one as `running`.
   */
  readonly lifecycle?: () => 'running' | 'draining' | 'closed';
}

/** A value, or a promise of it: what a port method that may answer synchronously returns. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The remote half of every operation and the cross-instance state. Core ships a local adapter
 * (one instance, bounded in-memory history and sessions); `@ws/scaling-redis` ships the Redis one.
 * An instance skips its own publications, so nothing is delivered twice.
 */
export interface ClusterAdapter {
  readonly name: string;
  start(ctx: ClusterContext): Promise<void>;
  /** Deregister; core has already drained or closed every connection. */
  stop(options: { readonly drain: boolean }): Promise<void>;
  admit(userId: UserId, connectionId: ConnectionId): Promise<AdmitResult>;
  /**
   * Called on every disconnect of an admitted connection, with its close code and reason
   * (`close` is optional: an adapter written before it ignores it).
   */
  release(
    userId: UserId,
    connectionId: ConnectionId,
    close?: { readonly code: number; readonly reason: string },
  ): Promise<void>;
  onLocalJoin(scope: LocalScope): Promise<void>;
  onLocalLeave(scope: LocalScope): Promise<void>;
  /**
   * Publishes a direct message to the user's connections on other instances. The three publish
   * methods may answer synchronously (the in-memory cluster does): a send that never leaves the
   * process then costs no promise and no microtask.
   */
  publishToUser(userId: UserId, frame: ServerFrame): MaybePromise<PublishOutcome>;
  publishAll(frame: ServerFrame): MaybePromise<PublishOutcome>;
  /**
   * Assigns the frame's offset, appends it to the thread's history (when kept) and publishes it
   * to the other instances, in one atomic step; returns the offset.
   */
  publishToThread(threadId: ThreadId, frame: MessageFrame): MaybePromise<ThreadPublishOutcome>;
  /** The thread's newest offset: where a join starts (replays never reach before it). */
  threadOffset(threadId: ThreadId): Promise<Offset>;
  /**
   * The thread's frames after `afterOffset` and after `notBefore`, oldest first, or not
   * recoverable (the start is older than the kept window, from before a data loss, or from the
   * future): never a partial answer passed off as whole. With `read` (a paged read), at most
   * `read.limit` frames, and a not-recoverable answer carries the oldest kept frames (at most
   * `read.limit`) as `frames`.
   */
  history(
    threadId: ThreadId,
    afterOffset: Offset,
    notBefore: Offset,
    read?: HistoryRead,
  ): Promise<HistoryResult>;
  /** Writes a session; false (and no write) when a newer generation took it meanwhile. */
  saveSession(token: string, session: SessionRecord, generation: number): Promise<boolean>;
  /** Takes a session once, and only for its own user; anyone else gets null, the session intact. */
  takeSession(token: string, userId: UserId): Promise<SessionRecord | null>;
  findUser(userId: UserId): Promise<readonly UserLocation[]>;
  instances(): Promise<readonly InstanceInfo[]>;
  health(): Promise<ClusterHealth>;
  /**
   * Optional. Closes the user's connections on every OTHER instance (through their
   * `closeUserLocal`); answers how many they report closed within the adapter's bound (an
   * instance that does not answer in time is not counted). Never rejects for a slow or silent
   * peer. Absent: `disconnectUser(user, { scope: 'cluster' })` rejects with
   * `WsError('unavailable')` and closes nothing (a revoke must not look complete when it is not).
   */
  disconnectUser?(userId: UserId, close: UserClose): Promise<number>;
  /**
   * Optional. Hands a frame to the instance that owns a connection (through its
   * `ClusterContext.sendLocal`); answers what it did, `no_answer` when it did not answer within
   * the adapter's bound. Never rejects for a slow or silent peer. Absent: `sendToConnection` to
   * a connection of another instance stays local-only, as before (`dropped: { not_found: 1 }`).
   */
  sendToConnection?(target: RemoteConnection, frame: ServerFrame): Promise<ConnectionSendOutcome>;
  /**
   * Optional. Hands a `receive` for a connection of another instance to its owner (its
   * `ClusterContext.receiveLocal`); answers what the owner did, `no_answer` past the adapter's
   * bound, `unknown` when the owner is gone. Never rejects for a slow or silent peer. Absent:
   * such a `receive` answers `no_answer` (HTTP transports then need sticky sessions).
   */
  receive?(target: RemoteConnection, request: ReceiveRequest): Promise<ReceiveResult>;
  /**
   * Optional (presence, with the three members below). Counts a local connection into a
   * thread's presence, in O(1) work; answers true when it is the user's first connection to the
   * thread on any instance (the user joined), and then tells the other instances (their
   * `ClusterContext.presenceChanged`). Called once per connection and thread, after core added
   * the membership. Absent: `manager.presence` rejects with `WsError('unavailable')`.
   */
  presenceJoin?(threadId: ThreadId, userId: UserId, connectionId: ConnectionId): Promise<boolean>;
  /**
   * Counts a local connection out of a thread's presence (it left, or closed); answers true when
   * it was the user's last connection to the thread anywhere (the user left), and then tells the
   * other instances. Called once for each `presenceJoin`, after core removed the membership.
   */
  presenceLeave?(threadId: ThreadId, userId: UserId, connectionId: ConnectionId): Promise<boolean>;
  /** A page of the thread's presence, users in a stable order the cursor continues. */
  presence?(threadId: ThreadId, page: PresencePage): Promise<ThreadPresence>;
  /** How many users are present in the thread. */
  presenceCount?(threadId: ThreadId): Promise<number>;
}
