import type { BackoffOptions } from '../backoff.js';
import type { ClientCodec } from '../codec.js';
import { jsonCodec } from '../codec.js';
import { ClientError } from '../errors.js';
import { subprotocols } from '../frames.js';
import type { ClientOptions, ClientTimers, HeartbeatFigures, Transport } from '../options.js';
import { clientDefaults } from '../options.js';
import type { WebSocketConstructor } from '../socket.js';
import type { OptionKeys } from './optionKeys.js';
import { checkOptionKeys } from './optionKeys.js';
import { defaultTimers } from './timers.js';
import { resolveTransports } from './transports.js';

/** {@link ClientOptions} checked, with every default filled in. */
export interface ResolvedOptions {
  /** The options as given: `getToken` is read, and called, on them at each use. */
  readonly source: ClientOptions;
  /** `url`, parsed and normalized. */
  readonly baseUrl: string;
  /** The transports in order, each with its socket constructor. */
  readonly transports: readonly (readonly [Transport, WebSocketConstructor])[];
  readonly fallbackMs: number;
  readonly codec: ClientCodec;
  readonly timers: ClientTimers;
  readonly random: () => number;
  readonly backoff: BackoffOptions;
  readonly connectTimeoutMs: number;
  readonly policyWaitMs: number;
  readonly stableAfterMs: number;
  readonly allowedOrigins: readonly string[];
  readonly token: string | undefined;
  readonly requestTimeoutMs: number;
  readonly maxQueued: number;
  readonly autoConnect: boolean;
  readonly heartbeat: HeartbeatFigures | false | undefined;
  readonly refreshAheadMs: number | false;
}

function resolveUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    // refused below
  }
  if (parsed?.protocol !== 'ws:' && parsed?.protocol !== 'wss:')
    throw new ClientError('invalid_options', 'url must be an absolute ws: or wss: URL');
  return parsed.toString();
}

function checkOptions(o: ClientOptions): void {
  const bad = (name: string, rule: string): never => {
    throw new ClientError('invalid_options', `${name} must be ${rule}`);
  };
  const nonNegative = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      bad(name, 'a non-negative number');
  };
  const positive = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      bad(name, 'a positive number');
  };
  positive('requestTimeoutMs', o.requestTimeoutMs);
  positive('connectTimeoutMs', o.connectTimeoutMs);
  positive('fallbackMs', o.fallbackMs);
  nonNegative('stableAfterMs', o.stableAfterMs);
  nonNegative('policyWaitMs', o.policyWaitMs);
  if (o.maxQueued !== undefined && !(Number.isInteger(o.maxQueued) && o.maxQueued >= 0))
    bad('maxQueued', 'a non-negative integer');
  if (o.backoff !== undefined && (typeof o.backoff !== 'object' || o.backoff === null))
    bad('backoff', 'an object');
  positive('backoff.minMs', o.backoff?.minMs);
  positive('backoff.maxMs', o.backoff?.maxMs);
  if (
    o.backoff?.factor !== undefined &&
    !(Number.isFinite(o.backoff.factor) && o.backoff.factor >= 1)
  )
    bad('backoff.factor', 'a number >= 1');
  const min = o.backoff?.minMs ?? clientDefaults.backoff.minMs;
  const max = o.backoff?.maxMs ?? clientDefaults.backoff.maxMs;
  if (max < min) bad('backoff.maxMs', `at least backoff.minMs (${min})`);
  if (o.refreshAheadMs !== false) nonNegative('refreshAheadMs', o.refreshAheadMs);
  const hb = o.heartbeat;
  if (hb !== undefined && hb !== false) {
    if (typeof hb !== 'object' || hb === null)
      bad('heartbeat', 'false or { intervalMs, timeoutMs }');
    positive('heartbeat.intervalMs', hb.intervalMs ?? NaN);
    nonNegative('heartbeat.timeoutMs', hb.timeoutMs ?? NaN);
  }
}

function resolveCodec(options: ClientOptions): ClientCodec {
  const protocol = options.protocol ?? clientDefaults.protocol;
  if (protocol !== 'json' && protocol !== 'msgpack') {
    throw new ClientError('invalid_options', "protocol must be 'json' or 'msgpack'");
  }
  const codec = options.codec ?? (protocol === 'json' ? jsonCodec() : undefined);
  if (codec === undefined) {
    throw new ClientError(
      'invalid_options',
      "protocol 'msgpack' needs `codec: msgpackCodec()` from '@ws/client/msgpack'",
    );
  }
  if (codec.name !== subprotocols[protocol]) {
    throw new ClientError(
      'invalid_options',
      `codec ${codec.name} does not match protocol '${protocol}'`,
    );
  }
  return codec;
}

// `codec`, `WebSocket` and `timers` are the application's objects: `true`, not walked.
const clientOptionKeys = {
  url: true,
  token: true,
  getToken: true,
  protocol: true,
  codec: true,
  WebSocket: true,
  transports: true,
  fallbackMs: true,
  requestTimeoutMs: true,
  connectTimeoutMs: true,
  backoff: { minMs: true, maxMs: true, factor: true },
  stableAfterMs: true,
  policyWaitMs: true,
  maxQueued: true,
  allowedOrigins: true,
  random: true,
  timers: true,
  heartbeat: { intervalMs: true, timeoutMs: true },
  refreshAheadMs: true,
  autoConnect: true,
} as const satisfies OptionKeys<ClientOptions>;

/**
 * Checks the options (unknown keys first, nested ones included; then the values), throwing
 * `invalid_options`, and fills in {@link clientDefaults}.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new ClientError('invalid_options', 'createClient needs an options object');
  checkOptionKeys(options, clientOptionKeys, 'client options');
  const baseUrl = resolveUrl(options.url);
  checkOptions(options);
  const codec = resolveCodec(options);
  // Every option given (undefined is not given) over its default, then the computed ones.
  const given = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as Partial<ClientOptions>;
  return {
    ...clientDefaults,
    ...given,
    source: options,
    baseUrl,
    transports: resolveTransports(options, codec),
    codec,
    timers: options.timers ?? defaultTimers(),
    random: options.random ?? Math.random,
    backoff: { ...clientDefaults.backoff, ...options.backoff },
    allowedOrigins: options.allowedOrigins ?? [new URL(baseUrl).hostname],
    token: options.token,
    heartbeat: options.heartbeat,
  };
}
