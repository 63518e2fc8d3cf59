import type { ClientError } from '../errors.js';
import type { ClientEvents } from '../events.js';
import type { ReconnectFrame, WelcomeFrame } from '../frames.js';
import type { Emitter } from './emitter.js';
import type { Link } from './link.js';
import type { RequestTable } from './requests.js';
import type { ResolvedOptions } from './resolveOptions.js';
import type { ThreadTable } from './threads.js';

/** What the reconnect state machine drives. */
export interface ConnectionOptions {
  readonly options: ResolvedOptions;
  readonly link: Link;
  readonly emitter: Emitter<ClientEvents>;
  readonly report: (err: ClientError) => void;
  readonly requests: RequestTable;
  readonly threads: ThreadTable;
  /** Every message of the current socket, as the socket gave it. */
  onData(data: unknown): void;
}

/**
 * The state of the reconnect state machine (its transitions are in `connection.ts`); the
 * client's state itself (`idle`, `connecting`, ...) and its socket are in the {@link Link}.
 */
export interface ConnectionState {
  readonly o: ConnectionOptions;
  /** The URL of the current (or last) socket. */
  currentUrl: string;
  /** The URL the next socket opens. */
  nextUrl: string;
  token: string | undefined;
  resumeToken: string | undefined;
  /** The current (or last) connection's `welcome`. */
  welcome: WelcomeFrame | undefined;
  /** The `reconnect` frame of the current socket, followed on its 1012 close. */
  hint: ReconnectFrame | undefined;
  attempt: number;
  /** Connections that received `welcome`. */
  opens: number;
  refreshedWithoutOpen: boolean;
  retryTimer: unknown;
  welcomeTimer: unknown;
  stableTimer: unknown;
  /** The liveness check of the current connection (`liveness.ts`). */
  liveTimer: unknown;
  /**
   * A token `getToken` gave for a refresh the server refused: the 4102 reconnect uses it instead
   * of calling `getToken` again (one call per expiry, as without refresh).
   */
  spareToken: string | undefined;
  /** The next in-place refresh of the current connection's credentials (`refresh.ts`). */
  refreshTimer: unknown;
  /** When the current socket last received anything (`Date.now()`). */
  seenAt: number;
  /**
   * Index in `options.transports` of the next socket's transport: moved on after every attempt
   * that did not reach `welcome`, until one did (`kept`), then kept for the client's life.
   */
  transport: number;
  kept: boolean;
  /** Bumped by every `open()` and `close()`: an await that comes back to a newer epoch gives up. */
  epoch: number;
}

export function createConnectionState(o: ConnectionOptions): ConnectionState {
  const baseUrl = o.options.baseUrl;
  return {
    o,
    currentUrl: baseUrl,
    nextUrl: baseUrl,
    token: o.options.token,
    resumeToken: undefined,
    welcome: undefined,
    hint: undefined,
    attempt: 0,
    opens: 0,
    refreshedWithoutOpen: false,
    retryTimer: undefined,
    welcomeTimer: undefined,
    stableTimer: undefined,
    liveTimer: undefined,
    refreshTimer: undefined,
    spareToken: undefined,
    seenAt: 0,
    transport: 0,
    kept: false,
    epoch: 0,
  };
}
