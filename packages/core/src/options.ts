import type { Clock } from './clock.js';
import type { ClusterAdapter, UserLimitPolicy } from './cluster.js';
import type { Codec } from './codec.js';
import type { Contract } from './contractTypes.js';
import type { WsError } from './errors.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { Logger } from './logger.js';
import type { PresenceDiffOptions } from './presenceOptions.js';
import { presenceOptionKeys } from './presenceOptions.js';
import type { OptionKeys } from './optionKeys.js';
import { checkOptionKeys } from './optionKeys.js';

/** What happens to a connection whose outbound buffer is over `maxBufferedBytes`. */
export type SlowConsumerPolicy = 'drop' | 'close';

/** Context passed to the authorization callbacks. */
export interface AuthorizeContext {
  readonly connectionId?: ConnectionId;
  readonly context?: Readonly<Record<string, unknown>>;
  /** True when the check re-authorizes a thread restored from a session. */
  readonly restoring?: boolean;
}

/**
 * Options of `createManager`. Every limit has a documented default in {@link managerDefaults}.
 * `C` is the type of `contract`, which types the manager (`Manager<C>`).
 */
export interface ManagerOptions<C extends Contract = Contract> {
  /**
   * This instance's id; embedded in every connection id. Must be unique in a cluster.
   * @default a random 64-bit hex id
   */
  readonly instanceId?: string;
  /**
   * Connections one user may hold at once (cluster-wide with a cluster adapter).
   * @default 3
   */
  readonly maxConnectionsPerUser?: number;
  /**
   * At the per-user limit: `reject` the new connection (close 4101) or `evict-oldest` (close the
   * oldest with 4100).
   * @default 'reject'
   */
  readonly onUserLimit?: UserLimitPolicy;
  /**
   * Connections this instance holds at most; past it `connectUser` refuses (close 1013).
   * @default 10000
   */
  readonly maxConnections?: number;
  /**
   * Threads one connection may be in at once; past it `join` is refused with `forbidden`.
   * @default 128
   */
  readonly maxThreadsPerConnection?: number;
  /**
   * Largest inbound message in bytes; past it the connection is closed with 1009.
   * @default 65536
   */
  readonly maxMessageBytes?: number;
  /**
   * Outbound bytes a connection may have queued before it counts as a slow consumer.
   * @default 1048576
   */
  readonly maxBufferedBytes?: number;
  /**
   * Slow consumers: `drop` the message (and send `resync` for thread messages once drained), or
   * `close` the connection with 1013.
   * @default 'drop'
   */
  readonly slowConsumer?: SlowConsumerPolicy;
  /**
   * Consecutive violations (refused frames) before a 1008 close.
   * @default 10
   */
  readonly maxViolations?: number;
  /**
   * Time without any sign of life (inbound frame or pong) before a 4001 close, in ms.
   * @default 600000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Per-connection inbound frame budget (token bucket); ping and pong never count.
   * @default { perSecond: 50, burst: 100 }
   */
  readonly inboundRate?: { readonly perSecond: number; readonly burst: number };
  /**
   * How long a session is kept after its last write (and so after disconnect), in ms.
   * @default 120000
   */
  readonly sessionTtlMs?: number;
  /**
   * Interval of the one sweep timer (expiry 4102, idle 4001, pending resyncs), in ms.
   * @default 1000
   */
  readonly sweepIntervalMs?: number;
  /**
   * Graceful drain: connections closed per second with 1012, and the spread of the `afterMs`
   * hints given to clients.
   * @default { ratePerSecond: 500, spreadMs: 2000, timeoutMs: 30000 }
   */
  readonly drain?: {
    readonly ratePerSecond?: number;
    readonly spreadMs?: number;
    readonly timeoutMs?: number;
  };
  /**
   * The cluster adapter: the remote half of every operation.
   * @default localCluster()
   */
  readonly cluster?: ClusterAdapter;
  /**
   * Time and timers.
   * @default systemClock()
   */
  readonly clock?: Clock;
  /**
   * Codec of connections that do not bring their own.
   * @default createJsonCodec()
   */
  readonly codec?: Codec;
  /**
   * Decides whether a user may join a thread from a client frame (and on session restore).
   * @default deny every thread
   */
  readonly authorizeThread?: (
    userId: UserId,
    threadId: ThreadId,
    ctx: AuthorizeContext,
  ) => boolean | Promise<boolean>;
  /**
   * Decides whether a user may send a direct message to another user.
   * @default deny every direct message
   */
  readonly authorizeDirect?: (
    from: UserId,
    to: UserId,
    ctx: AuthorizeContext,
  ) => boolean | Promise<boolean>;
  /**
   * Decides whether a member of a thread may see its presence: `presence` requests and `join`
   * frames with `"presence": true` (asked after the member check). Members only is
   * `() => true`.
   * @default deny every presence request
   */
  readonly authorizePresence?: (
    userId: UserId,
    threadId: ThreadId,
    ctx: AuthorizeContext,
  ) => boolean | Promise<boolean>;
  /**
   * Presence diffs: how often they are sent and above what size they carry counts only.
   * @default { diffIntervalMs: 200, fullListMax: 1000 }
   */
  readonly presence?: PresenceDiffOptions;
  /**
   * The schemas of this application's messages (`defineContract`). With `validateSends`, server
   * sends are checked against it; give the same contract to `quality({ contract })` to check
   * what clients send. Its type types the manager's sends and `message` event.
   * @default none
   */
  readonly contract?: C;
  /**
   * Check the `data` of every `sendToThread`, `sendToUser`, `sendToConnection` and `broadcast`
   * against `contract` before sending: a thread outside every glob, a direct message without a
   * direct schema, or data its schema refuses resolves to a failed `SendResult` with
   * `error.code: 'invalid_message'` (the message names the path), sent to nobody. Needs
   * `contract`. Off by default: a schema run per send costs CPU on the hot path.
   * @default false
   */
  readonly validateSends?: boolean;
  /**
   * Receives every background failure; never throws back.
   * @default logs to `logger.error`
   */
  readonly onError?: (
    err: WsError,
    info: { readonly stage: string; readonly connectionId?: ConnectionId },
  ) => void;
  /**
   * Where the manager logs; secrets are never logged.
   * @default consoleLogger() (warnings and errors to stderr)
   */
  readonly logger?: Logger;
}

/** The defaults of every {@link ManagerOptions} limit. */
export const managerDefaults = {
  maxConnectionsPerUser: 3,
  onUserLimit: 'reject',
  maxConnections: 10_000,
  maxThreadsPerConnection: 128,
  maxMessageBytes: 65_536,
  maxBufferedBytes: 1_048_576,
  slowConsumer: 'drop',
  maxViolations: 10,
  idleTimeoutMs: 600_000,
  inboundRate: { perSecond: 50, burst: 100 },
  sessionTtlMs: 120_000,
  sweepIntervalMs: 1_000,
  drain: { ratePerSecond: 500, spreadMs: 2_000, timeoutMs: 30_000 },
} as const;

/** Every key of {@link ManagerOptions}, nested ones included: what `createManager` accepts. */
const managerOptionKeys = {
  instanceId: true,
  maxConnectionsPerUser: true,
  onUserLimit: true,
  maxConnections: true,
  maxThreadsPerConnection: true,
  maxMessageBytes: true,
  maxBufferedBytes: true,
  slowConsumer: true,
  maxViolations: true,
  idleTimeoutMs: true,
  inboundRate: { perSecond: true, burst: true },
  sessionTtlMs: true,
  sweepIntervalMs: true,
  drain: { ratePerSecond: true, spreadMs: true, timeoutMs: true },
  cluster: true,
  clock: true,
  codec: true,
  authorizeThread: true,
  authorizeDirect: true,
  authorizePresence: true,
  presence: presenceOptionKeys,
  contract: true,
  validateSends: true,
  onError: true,
  logger: true,
} as const satisfies OptionKeys<ManagerOptions>;

/** Refuses every key `createManager` does not know, nested ones included (`invalid_options`). */
export function checkManagerOptionKeys(options: ManagerOptions): void {
  checkOptionKeys<ManagerOptions>(options, managerOptionKeys, 'createManager options');
}

/** The default and the largest `limit` of `manager.history` (`HistoryOptions`). */
export const historyDefaults = {
  limit: 100,
  maxLimit: 1_000,
} as const;

/** Options with every limit filled in. */
export interface ResolvedLimits {
  readonly maxConnectionsPerUser: number;
  readonly onUserLimit: UserLimitPolicy;
  readonly maxConnections: number;
  readonly maxThreadsPerConnection: number;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly slowConsumer: SlowConsumerPolicy;
  readonly maxViolations: number;
  readonly idleTimeoutMs: number;
  readonly inboundRate: { readonly perSecond: number; readonly burst: number };
  readonly sessionTtlMs: number;
  readonly sweepIntervalMs: number;
  readonly drain: {
    readonly ratePerSecond: number;
    readonly spreadMs: number;
    readonly timeoutMs: number;
  };
  readonly presence: Required<PresenceDiffOptions>;
}
