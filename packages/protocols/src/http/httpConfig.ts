import type { Clock, Codec, Logger, Manager, OptionKeys, RefreshCredentials } from '@ws/core';
import { WsError, checkOptionKeys, consoleLogger, createJsonCodec, systemClock } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import type { OriginPolicy } from '../internal/origin.js';
import { createReporter } from '../internal/reportError.js';
import type { Authenticate } from '../ws/attachOptions.js';
import type { HttpTransportOptions } from './httpOptions.js';
import { httpTransportDefaults } from './httpOptions.js';

/** `httpTransport`'s options with every default applied, checked once. */
export interface HttpConfig extends OriginPolicy {
  readonly path: string;
  /** `<path>/sse`, the stream's route. */
  readonly streamPath: string;
  /** `<path>/sse/`, the prefix of the POST routes. */
  readonly postPrefix: string;
  readonly authenticate: Authenticate;
  readonly refresh: RefreshCredentials | undefined;
  readonly maxConnectionsPerIp: number;
  readonly maxPostsInFlightPerIp: number;
  /** The `Retry-After` header value of 503 and 429 answers. */
  readonly retryAfter: string;
  readonly authenticateTimeoutMs: number;
  /** The JSON codec, stateless: one per transport. */
  readonly codec: Codec;
  readonly maxFramesPerPost: number;
  readonly maxBodyBytes: number;
  readonly keepAliveMs: number;
  readonly clientIp: (request: IncomingMessage) => string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Reports a failure to `onError` (else `logger.error`); never throws. */
  readonly reportError: (err: unknown, stage: string) => void;
}

const httpOptionKeys = {
  path: true,
  authenticate: true,
  refresh: true,
  allowedOrigins: true,
  allowMissingOrigin: true,
  maxConnectionsPerIp: true,
  maxPostsInFlightPerIp: true,
  retryAfterSeconds: true,
  authenticateTimeoutMs: true,
  maxDepth: true,
  maxFramesPerPost: true,
  maxBodyBytes: true,
  keepAliveMs: true,
  clientIp: true,
  clock: true,
  logger: true,
  onError: true,
} as const satisfies OptionKeys<HttpTransportOptions>;

function defaultClientIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress;
  if (ip === undefined || ip === '') return 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** A non-negative integer option (a positive one when `min` is 1), else `invalid_options`. */
function count(name: string, value: number, min: 0 | 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new WsError('invalid_options', `${name} must be ${what}, got ${String(value)}`);
  }
  return value;
}

/** Applies the defaults of {@link HttpTransportOptions} and checks the result. */
export function resolveHttpOptions(
  manager: Pick<Manager, 'limits'>,
  options: HttpTransportOptions,
): HttpConfig {
  checkOptionKeys<HttpTransportOptions>(options, httpOptionKeys, 'httpTransport options');
  if (typeof options.authenticate !== 'function')
    throw new WsError('invalid_options', 'httpTransport needs an authenticate function');
  const d = httpTransportDefaults;
  const path = (options.path ?? d.path).replace(/\/+$/, '');
  if (!(options.path ?? d.path).startsWith('/'))
    throw new WsError('invalid_options', `path must start with "/", got "${options.path}"`);
  const logger = options.logger ?? consoleLogger();
  const bodyDefault = Math.max(d.maxBodyBytes, manager.limits.maxMessageBytes + 1024);
  return {
    path,
    streamPath: `${path}/sse`,
    postPrefix: `${path}/sse/`,
    // Called as a method of the options, as given.
    authenticate: (req, token) => options.authenticate(req, token),
    refresh: options.refresh,
    allowedOrigins: options.allowedOrigins,
    allowMissingOrigin: options.allowMissingOrigin ?? d.allowMissingOrigin,
    maxConnectionsPerIp: count(
      'maxConnectionsPerIp',
      options.maxConnectionsPerIp ?? d.maxConnectionsPerIp,
      0,
    ),
    maxPostsInFlightPerIp: count(
      'maxPostsInFlightPerIp',
      options.maxPostsInFlightPerIp ?? d.maxPostsInFlightPerIp,
      0,
    ),
    retryAfter: String(
      count('retryAfterSeconds', options.retryAfterSeconds ?? d.retryAfterSeconds, 0),
    ),
    authenticateTimeoutMs: count(
      'authenticateTimeoutMs',
      options.authenticateTimeoutMs ?? d.authenticateTimeoutMs,
      1,
    ),
    codec: createJsonCodec({ maxDepth: count('maxDepth', options.maxDepth ?? d.maxDepth, 1) }),
    maxFramesPerPost: count('maxFramesPerPost', options.maxFramesPerPost ?? d.maxFramesPerPost, 1),
    maxBodyBytes: count('maxBodyBytes', options.maxBodyBytes ?? bodyDefault, 1),
    keepAliveMs: count('keepAliveMs', options.keepAliveMs ?? d.keepAliveMs, 0),
    clientIp: options.clientIp ?? defaultClientIp,
    clock: options.clock ?? systemClock(),
    logger,
    reportError: createReporter(options.onError, logger),
  };
}
