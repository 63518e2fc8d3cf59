import type { Clock } from './clock.js';
import type { ClusterAdapter, UserLimitPolicy } from './cluster.js';
import type { Codec } from './codec.js';
import { WsError } from './errors.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import type { Logger } from './logger.js';
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

/** Options of `createManager`. Every limit has a documented default in {@link managerDefaults}. */
export interface ManagerOptions {
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
}

function positive(name: string, value: number, allowZero = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw new WsError(
      'invalid_options',
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`,
    );
  }
  return value;
}

/** Validates options and fills in defaults; throws `WsError('invalid_options')`. */
export function resolveLimits(o: ManagerOptions): ResolvedLimits {
  const d = managerDefaults;
  const policy = o.onUserLimit ?? d.onUserLimit;
  if (policy !== 'reject' && policy !== 'evict-oldest') {
    throw new WsError('invalid_options', `onUserLimit must be 'reject' or 'evict-oldest'`);
  }
  const slow = o.slowConsumer ?? d.slowConsumer;
  if (slow !== 'drop' && slow !== 'close') {
    throw new WsError('invalid_options', `slowConsumer must be 'drop' or 'close'`);
  }
  const rate = o.inboundRate ?? d.inboundRate;
  const drain = { ...d.drain, ...o.drain };
  return {
    maxConnectionsPerUser: positive(
      'maxConnectionsPerUser',
      o.maxConnectionsPerUser ?? d.maxConnectionsPerUser,
    ),
    onUserLimit: policy,
    maxConnections: positive('maxConnections', o.maxConnections ?? d.maxConnections),
    maxThreadsPerConnection: positive(
      'maxThreadsPerConnection',
      o.maxThreadsPerConnection ?? d.maxThreadsPerConnection,
    ),
    maxMessageBytes: positive('maxMessageBytes', o.maxMessageBytes ?? d.maxMessageBytes),
    maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes ?? d.maxBufferedBytes),
    slowConsumer: slow,
    maxViolations: positive('maxViolations', o.maxViolations ?? d.maxViolations),
    idleTimeoutMs: positive('idleTimeoutMs', o.idleTimeoutMs ?? d.idleTimeoutMs),
    inboundRate: {
      perSecond: positive('inboundRate.perSecond', rate.perSecond),
      burst: positive('inboundRate.burst', rate.burst),
    },
    sessionTtlMs: positive('sessionTtlMs', o.sessionTtlMs ?? d.sessionTtlMs),
    sweepIntervalMs: positive('sweepIntervalMs', o.sweepIntervalMs ?? d.sweepIntervalMs),
    drain: {
      ratePerSecond: positive('drain.ratePerSecond', drain.ratePerSecond),
      spreadMs: positive('drain.spreadMs', drain.spreadMs, true),
      timeoutMs: positive('drain.timeoutMs', drain.timeoutMs, true),
    },
  };
}
