import { createHash } from 'node:crypto';
import type { OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys } from '@ws/core';
import type { RateLimitStore, TakeResult } from './rateLimitStore.js';

/**
 * What the Redis store needs of a client: `eval` and `evalsha`. An ioredis 6 `Redis` (or
 * `Cluster`) client satisfies it; the store never connects, subscribes or quits it.
 */
export interface RedisScriptClient {
  eval(script: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numkeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** The application's Redis client (e.g. `new Redis(url)` from ioredis 6); shared, not owned. */
  readonly client: RedisScriptClient;
  /**
   * Prefix of every key; deployments that must not share limits use different prefixes.
   * @default 'ws:quality:rl:'
   */
  readonly prefix?: string;
}

/** Defaults of {@link redisRateLimitStore}. */
export const redisRateLimitStoreDefaults = {
  prefix: 'ws:quality:rl:',
} as const;

// One atomic step per take: refill by Redis' own clock (TIME, so instances with skewed clocks
// agree), take if enough, store, and expire the key once it would be full again anyway.
// ARGV: burst, tokens per ms, cost. Returns { allowed, remaining (string), retryAfterMs }.
const script = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return { allowed, tostring(tokens), retry }
`;

function parse(reply: unknown): TakeResult {
  if (!Array.isArray(reply) || reply.length !== 3) {
    throw new WsError('cluster_error', 'unexpected reply from the rate limit script');
  }
  const [allowed, remaining, retry] = reply as [unknown, unknown, unknown];
  return {
    allowed: Number(allowed) === 1,
    remaining: Number(remaining),
    retryAfterMs: Number(retry),
  };
}

/** `client` is the application's own Redis client, passed through: its keys are not checked. */
const redisRateLimitStoreOptionKeys = {
  client: true,
  prefix: true,
} as const satisfies OptionKeys<RedisRateLimitStoreOptions>;

/**
 * Token buckets in Redis: every manager given a store on the same Redis and prefix shares each
 * user's limit, cluster-wide. One Lua script per take (EVALSHA, loaded on first NOSCRIPT); time is
 * Redis' own, so the `now` a gate passes is ignored. Keys expire once their bucket is full again.
 * An unknown option key throws `WsError('invalid_options')` naming it, before the client is used.
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  checkOptionKeys<RedisRateLimitStoreOptions>(
    options,
    redisRateLimitStoreOptionKeys,
    'redisRateLimitStore options',
  );
  const { client } = options;
  if (typeof client?.eval !== 'function' || typeof client.evalsha !== 'function') {
    throw new WsError(
      'invalid_options',
      'redisRateLimitStore needs a Redis client with eval/evalsha (ioredis)',
    );
  }
  const prefix = options.prefix ?? redisRateLimitStoreDefaults.prefix;
  const sha = createHash('sha1').update(script).digest('hex');

  return {
    name: 'redis',
    async take(key, cost, rule) {
      const args = [prefix + key, rule.burst, rule.perSecond / 1000, cost] as const;
      let reply: unknown;
      try {
        reply = await client.evalsha(sha, 1, ...args);
      } catch (err) {
        if (!String((err as { message?: unknown } | null)?.message).includes('NOSCRIPT')) throw err;
        reply = await client.eval(script, 1, ...args);
      }
      return parse(reply);
    },
  };
}
