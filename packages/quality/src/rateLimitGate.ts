import type { ClientFrame, ClientFrameType, Connection, OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import { checkKeysUnlessFalse } from './internal/checkKeys.js';
import type { Gate, GateVerdict, InboundGateInput } from './gate.js';
import { pass } from './gate.js';
import { isPromiseLike } from './internal/isPromiseLike.js';
import type { BucketState } from './internal/tokenBucket.js';
import { fullBucket, refillBucket, takeTokens } from './internal/tokenBucket.js';
import { memoryRateLimitStore } from './memoryRateLimitStore.js';
import type { RateLimitStore, RateRule, TakeResult } from './rateLimitStore.js';

/** Options of {@link rateLimitGate}. */
export interface RateLimitGateOptions {
  /**
   * The gate's name in metrics, and the namespace of its keys in the store.
   * @default 'rate_limit'
   */
  readonly name?: string;
  /**
   * Token bucket per connection (always in memory: a connection lives on one instance); `false`
   * for none. On top of core's own per-connection frame budget.
   * @default { perSecond: 10, burst: 20 }
   */
  readonly perConnection?: RateRule | false;
  /**
   * Token bucket per user, over all the user's connections (cluster-wide with a Redis store);
   * `false` for none.
   * @default { perSecond: 20, burst: 40 }
   */
  readonly perUser?: RateRule | false;
  /**
   * Where per-user buckets live.
   * @default memoryRateLimitStore()
   */
  readonly store?: RateLimitStore;
  /**
   * Frame types that count; others pass untouched (ping and pong never reach gates).
   * @default every type
   */
  readonly types?: readonly ClientFrameType[];
  /**
   * Tokens one frame costs.
   * @default () => 1
   */
  readonly cost?: (frame: ClientFrame) => number;
  /**
   * When the store fails (e.g. Redis down): `allow` the frame (fail open, the error is reported)
   * or `reject` it with `internal_error`.
   * @default 'allow'
   */
  readonly onStoreError?: 'allow' | 'reject';
}

/** Defaults of {@link rateLimitGate}. */
export const rateLimitGateDefaults = {
  name: 'rate_limit',
  perConnection: { perSecond: 10, burst: 20 },
  perUser: { perSecond: 20, burst: 40 },
  onStoreError: 'allow',
} as const;

function checkRule(rule: RateRule | false, which: string): RateRule | false {
  if (rule === false) return false;
  if (
    !(rule.perSecond > 0) ||
    !Number.isFinite(rule.perSecond) ||
    !(rule.burst >= 1) ||
    !Number.isFinite(rule.burst)
  ) {
    throw new WsError(
      'invalid_options',
      `rateLimitGate: ${which} needs perSecond > 0 and burst >= 1`,
    );
  }
  return rule;
}

function limited(scope: 'connection' | 'user', result: TakeResult): GateVerdict {
  return {
    verdict: 'reject',
    code: 'rate_limited',
    message: `rate limit exceeded for this ${scope}; retry in ${result.retryAfterMs} ms`,
  };
}

const rateLimitGateOptionKeys = {
  name: true,
  perConnection: true,
  perUser: true,
  store: true,
  types: true,
  cost: true,
  onStoreError: true,
} as const satisfies OptionKeys<RateLimitGateOptions>;

const rateRuleKeys = { perSecond: true, burst: true } as const satisfies OptionKeys<RateRule>;

/** Refuses unknown keys of the options and of the `perConnection` and `perUser` rules. */
function checkRateLimitKeys(options: RateLimitGateOptions): void {
  const where = 'rateLimitGate options';
  checkOptionKeys<RateLimitGateOptions>(options, rateLimitGateOptionKeys, where);
  checkKeysUnlessFalse(options.perConnection, rateRuleKeys, `${where}.perConnection`);
  checkKeysUnlessFalse(options.perUser, rateRuleKeys, `${where}.perUser`);
}

/**
 * Rate limits per connection and per user (token buckets). A refused frame is answered with
 * `rate_limited` (and counts as a violation in core). Inbound only. The per-connection bucket is
 * taken first, so a frame refused per connection costs the user nothing. An unknown option key
 * (`perUser.bursts` included) throws `WsError('invalid_options')` naming it.
 */
export function rateLimitGate(options: RateLimitGateOptions = {}): Gate {
  checkRateLimitKeys(options);
  const name = options.name ?? rateLimitGateDefaults.name;
  const perConnection = checkRule(
    options.perConnection ?? rateLimitGateDefaults.perConnection,
    'perConnection',
  );
  const perUser = checkRule(options.perUser ?? rateLimitGateDefaults.perUser, 'perUser');
  const store = options.store ?? memoryRateLimitStore();
  const types = options.types === undefined ? undefined : new Set<string>(options.types);
  const cost = options.cost ?? (() => 1);
  const failOpen = (options.onStoreError ?? rateLimitGateDefaults.onStoreError) === 'allow';
  // Per-connection state hangs off the connection view; it goes when the connection does.
  const connectionBuckets = new WeakMap<Connection, BucketState>();

  const userVerdict = (input: InboundGateInput, n: number): GateVerdict | Promise<GateVerdict> => {
    if (perUser === false) return pass();
    const storeFailed = (err: unknown): GateVerdict => {
      input.reportError(err, `${name}:store`);
      return failOpen
        ? pass()
        : { verdict: 'reject', code: 'internal_error', message: 'rate limit store unavailable' };
    };
    let result: TakeResult | PromiseLike<TakeResult>;
    try {
      result = store.take(`${name}:${input.connection.userId}`, n, perUser, input.now);
    } catch (err) {
      return storeFailed(err);
    }
    if (!isPromiseLike(result)) return result.allowed ? pass() : limited('user', result);
    return Promise.resolve(result).then(
      (r) => (r.allowed ? pass() : limited('user', r)),
      storeFailed,
    );
  };

  return {
    name,
    directions: ['inbound'],
    check(input) {
      if (input.direction !== 'inbound') return pass();
      if (types !== undefined && !types.has(input.frame.type)) return pass();
      const n = cost(input.frame);
      if (perConnection !== false) {
        let bucket = connectionBuckets.get(input.connection);
        if (bucket === undefined) {
          bucket = fullBucket(perConnection, input.now);
          connectionBuckets.set(input.connection, bucket);
        }
        refillBucket(bucket, perConnection, input.now);
        const result = takeTokens(bucket, perConnection, n);
        if (!result.allowed) return limited('connection', result);
      }
      return userVerdict(input, n);
    },
  };
}
