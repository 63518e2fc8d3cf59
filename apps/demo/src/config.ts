import { randomBytes } from 'node:crypto';
import type { HeartbeatPreset } from '@ws/heartbeat';

/** The development default of `DEMO_SECRET`; using it prints a loud warning. */
export const DEV_SECRET = 'ws-manager-demo-development-secret-do-not-use-in-production';

/** Everything the demo reads from its environment, validated. */
export interface DemoConfig {
  /** `PORT`: the HTTP port (0 picks a free one). */
  readonly port: number;
  /** `HOST`: the interface to listen on. */
  readonly host: string;
  /** `REDIS_URL`: when set, instances share state through `@ws/scaling-redis`. */
  readonly redisUrl: string | undefined;
  /** `REDIS_PREFIX`: key prefix in Redis, so two deployments never bridge by accident. */
  readonly redisPrefix: string;
  /** `PUBLIC_URL`: this instance's public HTTP base URL; undefined = `http://localhost:<port>`. */
  readonly publicUrl: string | undefined;
  /** `DEMO_SECRET`: the HMAC key of login tokens. */
  readonly secret: string;
  /** True when `DEMO_SECRET` is unset and the development default is in use. */
  readonly secretIsDefault: boolean;
  /** `ADMIN_TOKEN`: guards `/dashboard` and `/metrics`. */
  readonly adminToken: string;
  /** True when `ADMIN_TOKEN` was unset and one was generated. */
  readonly adminTokenGenerated: boolean;
  /** `ADMIN_USERS`: users who may join `ops:*` threads. */
  readonly adminUsers: ReadonlySet<string>;
  /** `ALLOWED_ORIGINS`: page origins allowed to open `/ws`; undefined = same origin only. */
  readonly allowedOrigins: readonly string[] | '*' | undefined;
  /** `HEARTBEAT_PRESET`: the heartbeat figures. */
  readonly heartbeatPreset: HeartbeatPreset;
  /** `TOKEN_TTL_SECONDS`: how long a login token is valid. */
  readonly tokenTtlMs: number;
  /**
   * `API_KEYS`: the keys of the HTTP API at `/api/v1` (`@ws/http-api`, every scope), named
   * `api-1`, `api-2`, ... in the order given; empty: no API.
   */
  readonly apiKeys: readonly ApiKeyConfig[];
}

/** One key of the HTTP API, from `API_KEYS`. */
export interface ApiKeyConfig {
  /** `api-<position>`: what logs and metrics show instead of the key. */
  readonly name: string;
  readonly key: string;
}

/** Defaults of the environment variables. */
export const configDefaults = {
  port: 3000,
  host: '0.0.0.0',
  redisPrefix: 'ws-demo:',
  heartbeatPreset: 'production',
  tokenTtlSeconds: 12 * 60 * 60,
} as const;

const PRESETS = ['development', 'test', 'staging', 'production'] as const;

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** An integer variable's default and bounds (both included). */
interface IntegerRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

/** The integer in `env[name]`, or the rule's fallback when unset or blank. */
function integer(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  rule: IntegerRule,
): number {
  const value = env[name];
  const { fallback, min, max } = rule;
  const v = nonEmpty(value);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(
      `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Shortest key `API_KEYS` accepts (what `@ws/http-api` requires). */
export const MIN_API_KEY_LENGTH = 16;

/**
 * The keys in `API_KEYS`, named by position. A refusal names the key's position and name, never
 * the key (the message is printed at startup).
 */
function apiKeys(value: string | undefined): ApiKeyConfig[] {
  const keys = list(value).map((key, i) => ({ name: `api-${i + 1}`, key }));
  for (const { name, key } of keys) {
    if (key.length < MIN_API_KEY_LENGTH) {
      throw new Error(
        `API_KEYS: key ${name} is ${key.length} characters long; each key must be at least ${MIN_API_KEY_LENGTH}`,
      );
    }
    // A bearer token is one word: a key with a space in it could never be presented.
    if (/\s/.test(key)) throw new Error(`API_KEYS: key ${name} contains white space`);
  }
  const twice = keys.find((k, i) => keys.findIndex((o) => o.key === k.key) !== i);
  if (twice !== undefined) {
    const first = keys.find((o) => o.key === twice.key)?.name ?? '';
    throw new Error(`API_KEYS: keys ${first} and ${twice.name} are the same`);
  }
  return keys;
}

/** Reads and validates the demo's environment; throws an `Error` naming the bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): DemoConfig {
  const secret = nonEmpty(env.DEMO_SECRET);
  const adminToken = nonEmpty(env.ADMIN_TOKEN);
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new Error('ADMIN_TOKEN must be at least 16 characters long');
  }
  const publicUrl = nonEmpty(env.PUBLIC_URL);
  if (publicUrl !== undefined) {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new Error(`PUBLIC_URL must be an http(s) URL, got ${JSON.stringify(publicUrl)}`);
    }
  }
  const presetName = nonEmpty(env.HEARTBEAT_PRESET) ?? configDefaults.heartbeatPreset;
  const preset = PRESETS.find((p) => p === presetName);
  if (preset === undefined) {
    throw new Error(
      `HEARTBEAT_PRESET must be one of ${PRESETS.join(', ')}, got ${JSON.stringify(presetName)}`,
    );
  }
  const origins = list(env.ALLOWED_ORIGINS);
  return {
    port: integer(env, 'PORT', { fallback: configDefaults.port, min: 0, max: 65_535 }),
    host: nonEmpty(env.HOST) ?? configDefaults.host,
    redisUrl: nonEmpty(env.REDIS_URL),
    redisPrefix: nonEmpty(env.REDIS_PREFIX) ?? configDefaults.redisPrefix,
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    secret: secret ?? DEV_SECRET,
    secretIsDefault: secret === undefined,
    adminToken: adminToken ?? randomBytes(24).toString('base64url'),
    adminTokenGenerated: adminToken === undefined,
    adminUsers: new Set(list(env.ADMIN_USERS)),
    allowedOrigins: origins.includes('*') ? '*' : origins.length > 0 ? origins : undefined,
    heartbeatPreset: preset,
    tokenTtlMs:
      integer(env, 'TOKEN_TTL_SECONDS', {
        fallback: configDefaults.tokenTtlSeconds,
        min: 10,
        max: 30 * 24 * 3600,
      }) * 1000,
    apiKeys: apiKeys(env.API_KEYS),
  };
}
