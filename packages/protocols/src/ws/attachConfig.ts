import type { Clock, Codec, Logger, RefreshCredentials } from '@ws/core';
import type { OptionKeys } from '@ws/core';
import { WsError, checkOptionKeys, consoleLogger, subprotocols, systemClock } from '@ws/core';
import type { IncomingMessage } from 'node:http';
import { createCodec } from '../codecs.js';
import { createReporter } from '../internal/reportError.js';
import type { Subprotocol } from '../negotiate.js';
import { isSubprotocol } from '../negotiate.js';
import type { AttachOptions, Authenticate, UpgradeServer } from './attachOptions.js';
import { attachDefaults } from './attachOptions.js';
import type { WsAdapter } from './wsAdapterOptions.js';
import { createWsAdapter } from './wsSocket.js';

/** `attach`'s options with every default applied, checked once. */
export interface AttachConfig {
  readonly server: UpgradeServer;
  readonly path: string;
  readonly authenticate: Authenticate;
  readonly refresh: RefreshCredentials | undefined;
  readonly accepted: readonly Subprotocol[];
  readonly defaultSubprotocol: Subprotocol;
  readonly maxConnectionsPerIp: number;
  readonly maxHandshakesPerIp: number;
  /** The `Retry-After` header value of 503 and 429 refusals. */
  readonly retryAfter: string;
  readonly authenticateTimeoutMs: number;
  readonly maxDepth: number;
  /** JSON and MessagePack codecs are stateless: one of each per attach. */
  readonly sharedCodecs: { readonly json: Codec; readonly msgpack: Codec };
  readonly legacyClientVersions: readonly string[];
  readonly allowedOrigins: readonly string[] | '*' | undefined;
  readonly allowMissingOrigin: boolean;
  readonly perMessageDeflate: boolean;
  readonly clientIp: (request: IncomingMessage) => string;
  readonly adapter: WsAdapter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Reports a failure to `onError` (else `logger.error`); never throws. */
  readonly reportError: (err: unknown, stage: string) => void;
}

function normalizeIp(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function defaultClientIp(req: IncomingMessage): string {
  return normalizeIp(req.socket.remoteAddress);
}

/** Throws `WsError('invalid_options')` for a path or subprotocols `attach` cannot serve. */
function validate(config: AttachConfig): void {
  const { path, accepted, defaultSubprotocol } = config;
  if (!path.startsWith('/'))
    throw new WsError('invalid_options', `path must start with "/", got "${path}"`);
  if (!isSubprotocol(defaultSubprotocol) || !accepted.includes(defaultSubprotocol)) {
    throw new WsError(
      'invalid_options',
      `defaultSubprotocol "${defaultSubprotocol}" is not among the accepted subprotocols`,
    );
  }
  for (const name of accepted) {
    if (!isSubprotocol(name))
      throw new WsError('invalid_options', `unknown subprotocol "${String(name)}"`);
  }
}

const attachOptionKeys = {
  server: true,
  path: true,
  authenticate: true,
  refresh: true,
  allowedOrigins: true,
  allowMissingOrigin: true,
  defaultSubprotocol: true,
  subprotocols: true,
  maxConnectionsPerIp: true,
  maxHandshakesPerIp: true,
  retryAfterSeconds: true,
  authenticateTimeoutMs: true,
  maxDepth: true,
  legacyClientVersions: true,
  perMessageDeflate: true,
  clientIp: true,
  adapter: true,
  clock: true,
  logger: true,
  onError: true,
} as const satisfies OptionKeys<AttachOptions>;

/** Applies the defaults of {@link AttachOptions} and checks the result. */
export function resolveAttachOptions(options: AttachOptions): AttachConfig {
  checkOptionKeys<AttachOptions>(options, attachOptionKeys, 'attach options');
  const d = attachDefaults;
  const maxDepth = options.maxDepth ?? d.maxDepth;
  const logger = options.logger ?? consoleLogger();
  const reportError = createReporter(options.onError, logger);
  const config: AttachConfig = {
    server: options.server,
    path: options.path ?? d.path,
    // Called as a method of the options, as given.
    authenticate: (req, token) => options.authenticate(req, token),
    refresh: options.refresh,
    accepted: options.subprotocols ?? d.subprotocols,
    defaultSubprotocol: options.defaultSubprotocol ?? d.defaultSubprotocol,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? d.maxConnectionsPerIp,
    maxHandshakesPerIp: options.maxHandshakesPerIp ?? d.maxHandshakesPerIp,
    retryAfter: String(options.retryAfterSeconds ?? d.retryAfterSeconds),
    authenticateTimeoutMs: options.authenticateTimeoutMs ?? d.authenticateTimeoutMs,
    maxDepth,
    sharedCodecs: {
      json: createCodec(subprotocols.json, { maxDepth }),
      msgpack: createCodec(subprotocols.msgpack, { maxDepth }),
    },
    legacyClientVersions: options.legacyClientVersions ?? d.legacyClientVersions,
    allowedOrigins: options.allowedOrigins,
    allowMissingOrigin: options.allowMissingOrigin ?? d.allowMissingOrigin,
    perMessageDeflate: options.perMessageDeflate ?? d.perMessageDeflate,
    clientIp: options.clientIp ?? defaultClientIp,
    adapter: options.adapter ?? createWsAdapter(),
    clock: options.clock ?? systemClock(),
    logger,
    reportError,
  };
  validate(config);
  return config;
}
