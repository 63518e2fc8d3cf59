/** The options of `connectUser`, and the refresh check a connection may carry. */
import type { MaybePromise } from './cluster.js';
import type { Codec } from './codec.js';
import type { Connection } from './connection.js';

/** Options of `connectUser`. */
export interface ConnectOptions {
  /**
   * The connection's codec (chosen from the negotiated subprotocol).
   * @default the manager's codec (JSON)
   */
  readonly codec?: Codec;
  /**
   * Application context, visible to plugins and authorization callbacks.
   * @default {}
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * When the credentials expire (ms since epoch); the connection is then closed with 4102.
   * @default never
   */
  readonly expiresAt?: number;
  /**
   * A resume token from an earlier `welcome`, to restore that session's thread memberships.
   * @default none
   */
  readonly resumeToken?: string;
  /**
   * Checks the token of a client's `refresh` frame. Without it, `refresh` is answered `forbidden`
   * and the connection keeps its expiry.
   * @default none (refresh refused)
   */
  readonly refresh?: RefreshCredentials;
  /**
   * The credential frames for this connection must carry when they come in through
   * `manager.receive` (an HTTP transport's POSTs, on any instance): a digest of the transport's
   * per-connection secret (core keeps it and compares in constant time; it never sees the
   * secret). At most 256 characters.
   * @default none (`receive` answers `unauthorized` for this connection)
   */
  readonly credential?: string;
}

/** New credentials accepted by {@link RefreshCredentials}. */
export interface RefreshedCredentials {
  /** Must be the connection's user, else the refresh is refused (`forbidden`). */
  readonly userId: string;
  /**
   * The new expiry (ms since epoch), later than now; the 4102 deadline moves there.
   * @default never expires
   */
  readonly expiresAt?: number;
}

/**
 * Checks a `refresh` frame's token for an open connection: the new credentials, or a refusal
 * (`null`, `undefined`, `false`, or a throw) that keeps the old expiry.
 */
export type RefreshCredentials = (
  token: string,
  connection: Connection,
) => MaybePromise<RefreshedCredentials | null | undefined | false>;
