/**
 * Stable error codes. The first six are the wire protocol's closed set (they reach clients in
 * `error` frames); the rest are raised by the API to callers and plugins and never go on the wire
 * as such.
 */
export const errorCodes = {
  bad_request: 'bad_request',
  unknown_type: 'unknown_type',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
  invalid_message: 'invalid_message',
  internal_error: 'internal_error',
  invalid_options: 'invalid_options',
  unserializable: 'unserializable',
  user_limit: 'user_limit',
  server_full: 'server_full',
  unavailable: 'unavailable',
  not_found: 'not_found',
  cluster_error: 'cluster_error',
  closed: 'closed',
} as const;

/** Every code a {@link WsError} may carry. Other packages may add their own strings. */
export type WsErrorCode = keyof typeof errorCodes | (string & {});

/** The closed set of codes that may appear in an `error` frame. */
export type WireErrorCode =
  | 'bad_request'
  | 'unknown_type'
  | 'forbidden'
  | 'rate_limited'
  | 'invalid_message'
  | 'internal_error';

/** True when `code` belongs to the wire protocol's closed set of error codes. */
export function isWireErrorCode(code: string): code is WireErrorCode {
  switch (code) {
    case 'bad_request':
    case 'unknown_type':
    case 'forbidden':
    case 'rate_limited':
    case 'invalid_message':
    case 'internal_error':
      return true;
    default:
      return false;
  }
}

/** The one error class of the project: a stable `code`, a human `message`, an optional `cause`. */
export class WsError extends Error {
  override readonly name = 'WsError';
  readonly code: WsErrorCode;

  constructor(code: WsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** Type guard for {@link WsError}, also across realms and duplicated installs. */
export function isWsError(value: unknown): value is WsError {
  return (
    value instanceof WsError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'WsError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** Converts anything thrown into a {@link WsError}; unknown throws become `fallbackCode`. */
export function toWsError(value: unknown, fallbackCode: WsErrorCode = 'internal_error'): WsError {
  if (isWsError(value)) return value;
  if (value instanceof Error) return new WsError(fallbackCode, value.message, { cause: value });
  return new WsError(fallbackCode, typeof value === 'string' ? value : 'unknown error', {
    cause: value,
  });
}
