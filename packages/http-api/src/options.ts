import type { OptionKeys } from '@ws/core';

/** What a key may do: `publish` (publish, send, broadcast), `disconnect`, `read` (the GET routes). */
export type ApiScope = 'publish' | 'disconnect' | 'read';

/** One API key. Several may be given at once, so a key can be rotated without downtime. */
export interface ApiKey {
  /** Shown in logs and metric labels instead of the key. 1-64 of `A-Za-z0-9_.-`. */
  readonly name: string;
  /** The secret, sent as `Authorization: Bearer <key>`. At least 16 characters. */
  readonly key: string;
  /**
   * What the key may do.
   * @default every scope
   */
  readonly scopes?: readonly ApiScope[];
}

/**
 * Checks a payload before it is sent: `undefined` to accept it, or a message saying what is wrong
 * (answered 422 `invalid_message`).
 */
export type PayloadCheck = (data: unknown) => string | undefined;

/** Payload checks per kind of send. */
export interface ApiValidators {
  /**
   * Checks `POST /publish` data.
   * @default every payload accepted
   */
  readonly publish?: PayloadCheck;
  /**
   * Checks `POST /send` data.
   * @default every payload accepted
   */
  readonly send?: PayloadCheck;
  /**
   * Checks `POST /broadcast` data.
   * @default every payload accepted
   */
  readonly broadcast?: PayloadCheck;
}

/** Options of `apiHandler`. */
export interface ApiHandlerOptions {
  /** The keys that may call the API; at least one. */
  readonly keys: readonly ApiKey[];
  /**
   * Where the API lives: the routes are `<path>/publish`, `<path>/users/{user}` and so on.
   * @default '/api'
   */
  readonly path?: string;
  /**
   * Requests per second each key may make (a token bucket that holds one second's worth); more
   * are answered 429 `rate_limited` with `Retry-After`.
   * @default 1000
   */
  readonly requestsPerSecond?: number;
  /**
   * Checks of the payloads sent through the API.
   * @default none
   */
  readonly validate?: ApiValidators;
}

/** Defaults of {@link ApiHandlerOptions}. */
export const apiHandlerDefaults = Object.freeze({
  path: '/api',
  requestsPerSecond: 1000,
});

/** The known keys of {@link ApiHandlerOptions}. */
export const apiHandlerOptionKeys = {
  keys: true,
  path: true,
  requestsPerSecond: true,
  validate: { publish: true, send: true, broadcast: true },
} as const satisfies OptionKeys<ApiHandlerOptions>;
