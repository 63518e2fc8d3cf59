import type { WireErrorCode } from './frames.js';

/**
 * Every code a {@link ClientError} may carry: the wire protocol's `error` frame codes, plus the
 * client's own.
 */
export type ClientErrorCode =
  | WireErrorCode
  /** No `ack` or `error` within `requestTimeoutMs`. */
  | 'timeout'
  /** The request was sent, then the connection dropped before its answer (outcome unknown). */
  | 'connection_lost'
  /** Disconnected and `maxQueued` requests are already waiting. */
  | 'queue_full'
  /** The client is closed (by `close()`, or after a close code it does not retry). */
  | 'closed'
  /** A frame could not be encoded or decoded. */
  | 'codec_error'
  /** A `reconnect` hint named an origin that is not allowed; the client stayed where it was. */
  | 'hint_refused'
  /** `getToken` threw or returned nothing usable. */
  | 'token_error'
  /** A thread could not be joined again after a reconnect. */
  | 'rejoin_failed'
  | 'invalid_options';

/** The client's error: a stable `code` (the server's for `error` frames) and a message. */
export class ClientError extends Error {
  // `declare` fields set in the constructor: a class field would make the ES2020 build carry a
  // defineProperty helper (about 100 B gzipped of the bundle budget, measured by bundle.test.ts).
  declare readonly name: 'ClientError';
  declare readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClientError';
    this.code = code;
  }
}

/** Type guard for {@link ClientError}, also across realms and duplicated installs. */
export function isClientError(value: unknown): value is ClientError {
  return (
    value instanceof ClientError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'ClientError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
