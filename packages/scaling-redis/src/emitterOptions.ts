import type { Cluster, Redis } from 'ioredis';
import type { DeliveryTarget, MetricsRegistry, OptionKeys, ThreadId } from '@ws/core';
import { WsError, checkOptionKeys, managerDefaults } from '@ws/core';
import { checkConnectionOptions, redisClusterDefaults } from './options.js';

/** Whom an emitter send is for: a user, a thread, or every connection. */
export type EmitterTarget = Exclude<DeliveryTarget, { kind: 'connection' }>;

/** Options of {@link createEmitter}. */
export interface EmitterOptions {
  /**
   * The application's ioredis client: a `Redis` (single server) or a `Cluster`. It is never used
   * directly: the emitter duplicates it into one command connection of its own (no offline queue,
   * bounded command time), closed by `emitter.close()`.
   */
  readonly redis: Redis | Cluster;
  /**
   * Prefix of every key and channel: the instances' `keyPrefix` (1-64 characters, no braces or
   * spaces). Required, so an emitter never publishes into another deployment.
   */
  readonly keyPrefix: string;
  /**
   * Messages kept per thread stream, as the instances' `historyMaxLen` (exact `MAXLEN`); 0 keeps
   * none. Use the instances' value: whoever appends last trims.
   * @default 256
   */
  readonly historyMaxLen?: number;
  /**
   * How long a kept message stays recoverable, in ms (0: no age limit), as the instances'.
   * @default 600000 (10 minutes)
   */
  readonly historyTtlMs?: number;
  /**
   * Which threads keep history, as the instances' (the others still get offsets).
   * @default () => true
   */
  readonly keepHistory?: (threadId: ThreadId) => boolean;
  /**
   * Bound of one operation, in ms (waiting for the connection included): past it the answer is
   * `published: false` with `WsError('cluster_error')`, never a hang.
   * @default 500
   */
  readonly commandTimeoutMs?: number;
  /**
   * Largest frame the emitter publishes, in bytes of its JSON (UTF-8; binary data counted as
   * base64): a bigger one rejects with `WsError('too_large')`.
   * @default 65536 (core's `managerDefaults.maxMessageBytes`)
   */
  readonly maxMessageBytes?: number;
  /**
   * The application's check of a payload, run before anything is published (the emitter runs no
   * outbound middleware: it has no manager). Throwing (or rejecting) refuses the send: the call
   * rejects with the error as a `WsError` (`invalid_message` unless it already is one).
   * @default undefined (no check)
   */
  readonly validate?: (target: EmitterTarget, data: unknown) => void | Promise<void>;
  /**
   * A registry for the emitter's metric (`ws_emitter_operations_total{op,outcome}`), e.g.
   * `createMetricsRegistry()` from `@ws/core` served by `@ws/dashboard`'s `/metrics`.
   * @default undefined (no metrics)
   */
  readonly metrics?: MetricsRegistry;
}

/** Defaults of {@link EmitterOptions}. */
export const emitterDefaults = {
  historyMaxLen: redisClusterDefaults.historyMaxLen,
  historyTtlMs: redisClusterDefaults.historyTtlMs,
  commandTimeoutMs: redisClusterDefaults.commandTimeoutMs,
  maxMessageBytes: managerDefaults.maxMessageBytes,
} as const;

/** Options with defaults filled in. */
export interface ResolvedEmitterOptions {
  readonly redis: Redis | Cluster;
  readonly keyPrefix: string;
  readonly historyMaxLen: number;
  readonly historyTtlMs: number;
  readonly keepHistory: (threadId: ThreadId) => boolean;
  readonly commandTimeoutMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly maxMessageBytes: number;
  readonly validate: EmitterOptions['validate'];
  readonly metrics: MetricsRegistry | undefined;
}

// `redis` (ioredis) and `metrics` (a MetricsRegistry) are objects of their own: `true`.
const emitterOptionKeys = {
  redis: true,
  keyPrefix: true,
  historyMaxLen: true,
  historyTtlMs: true,
  keepHistory: true,
  commandTimeoutMs: true,
  maxMessageBytes: true,
  validate: true,
  metrics: true,
} as const satisfies OptionKeys<EmitterOptions>;

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new WsError('invalid_options', `${name} must be an integer >= ${min}`);
  }
  return value;
}

function optionalFunction<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new WsError('invalid_options', `${name} must be a function`);
  return value;
}

/**
 * Validates the options (unknown keys first, before a connection is opened) and fills in
 * defaults; throws `WsError('invalid_options')`.
 */
export function resolveEmitterOptions(o: EmitterOptions): ResolvedEmitterOptions {
  const d = emitterDefaults;
  if (typeof o !== 'object' || o === null)
    throw new WsError('invalid_options', 'createEmitter needs an options object');
  checkOptionKeys<EmitterOptions>(o, emitterOptionKeys, 'createEmitter options');
  checkConnectionOptions(o);
  const metrics = o.metrics;
  if (metrics !== undefined && typeof metrics?.counter !== 'function')
    throw new WsError('invalid_options', 'metrics must be a MetricsRegistry');
  return {
    redis: o.redis,
    keyPrefix: o.keyPrefix,
    historyMaxLen: integer('historyMaxLen', o.historyMaxLen ?? d.historyMaxLen, 0),
    historyTtlMs: integer('historyTtlMs', o.historyTtlMs ?? d.historyTtlMs, 0),
    keepHistory: optionalFunction('keepHistory', o.keepHistory) ?? (() => true),
    commandTimeoutMs: integer('commandTimeoutMs', o.commandTimeoutMs ?? d.commandTimeoutMs, 1),
    reconnectMaxDelayMs: redisClusterDefaults.reconnectMaxDelayMs,
    maxMessageBytes: integer('maxMessageBytes', o.maxMessageBytes ?? d.maxMessageBytes, 1),
    validate: optionalFunction('validate', o.validate),
    metrics,
  };
}
