import { backoffDelay } from './backoff.js';
import { closeAction, closeCodes } from './closeCodes.js';
import { ClientError } from './errors.js';
import type { ClientEventName, ClientEvents, ClientMessage, ClientState } from './events.js';
import type {
  ClientFrame,
  MessageFrame,
  ReconnectFrame,
  ServerFrame,
  WelcomeFrame,
} from './frames.js';
import { toServerFrame } from './frames.js';
import { createEmitter } from './internal/emitter.js';
import { createRequestTable } from './internal/requests.js';
import { createSubscriptions } from './internal/subscriptions.js';
import { createThreadTable } from './internal/threads.js';
import { resolveOptions } from './internal/resolveOptions.js';
import { isAllowedHint, socketUrl } from './internal/url.js';
import type { ClientOptions } from './options.js';
import { clientDefaults } from './options.js';
import type { WebSocketLike } from './socket.js';
import type { Subscription } from './subscription.js';

/** The client's counters. */
export interface ClientStats {
  /** Thread messages dropped because their offset was already delivered. */
  readonly duplicatesDropped: number;
  /** Successful connections after the first. */
  readonly reconnects: number;
  /** Requests waiting for a connection. */
  readonly queued: number;
  /** Requests sent and not yet answered. */
  readonly inFlight: number;
}

/** The client: one logical connection that survives reconnects. */
export interface Client {
  readonly state: ClientState;
  /** The URL of the current (or next) socket, without token or resume token. */
  readonly url: string;
  /** Of the current connection (from `welcome`). */
  readonly connectionId: string | undefined;
  readonly userId: string | undefined;
  readonly instanceId: string | undefined;
  /** Joins a thread (through the server's `authorizeThread`); resolves on `ack`. */
  join(thread: string): Promise<void>;
  leave(thread: string): Promise<void>;
  /** Publishes to a joined thread; resolves with the offset the server assigned. */
  publish(thread: string, data: unknown): Promise<{ readonly offset?: string }>;
  /** Sends a direct message to a user (through the server's `authorizeDirect`). */
  direct(to: string, data: unknown): Promise<void>;
  /**
   * Fire-and-forget publish for high-rate, losable traffic (typing, cursors): sent without an
   * `id`, so the server writes no `ack`; a refusal still arrives as an `error` event. Sent only
   * while open, never queued: returns false (nothing sent) otherwise.
   */
  publishVolatile(thread: string, data: unknown): boolean;
  /** Fire-and-forget direct message: as {@link Client.publishVolatile}. */
  directVolatile(to: string, data: unknown): boolean;
  /** Listens to one thread's messages, joining it when needed. */
  subscribe(thread: string, listener: (message: ClientMessage) => void): Subscription;
  on<E extends ClientEventName>(event: E, listener: (payload: ClientEvents[E]) => void): () => void;
  off<E extends ClientEventName>(event: E, listener: (payload: ClientEvents[E]) => void): void;
  /** The offset of the newest message delivered for a thread. */
  lastOffset(thread: string): string | undefined;
  /** The threads the client holds (joined, joining or restored). */
  threads(): string[];
  stats(): ClientStats;
  /** Connects now: from `idle`, after a close the client did not retry, or cutting a backoff wait short. */
  connect(): void;
  /** Closes for good (1000); pending and queued requests reject with `closed`. */
  close(): void;
}

function toBytes(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('unsupported message data (set binaryType to arraybuffer)');
}

/** The host of a hint for messages (never its query, which may carry secrets). */
function hintHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/** Creates a client for the `wsm.v1` protocol. Connects at once unless `autoConnect: false`. */
export function createClient(options: ClientOptions): Client {
  const resolved = resolveOptions(options);
  const { baseUrl, codec, timers, random, backoff } = resolved;
  const WS = resolved.WebSocket;
  const { connectTimeoutMs, policyWaitMs, stableAfterMs } = resolved;
  const allowed = resolved.allowedOrigins;

  let state: ClientState = 'idle';
  let socket: WebSocketLike | undefined;
  let currentUrl = baseUrl;
  let nextUrl = baseUrl;
  let token = resolved.token;
  let resumeToken: string | undefined;
  let welcome: WelcomeFrame | undefined;
  let hint: ReconnectFrame | undefined;
  let attempt = 0;
  let opens = 0;
  let refreshedWithoutOpen = false;
  let retryTimer: unknown;
  let welcomeTimer: unknown;
  let stableTimer: unknown;
  /** Bumped by every `open()` and `close()`: an await that comes back to a newer epoch gives up. */
  let epoch = 0;

  const emitter = createEmitter<ClientEvents>((err, event) => {
    if (event !== 'error')
      report(
        new ClientError('internal_error', `a '${String(event)}' listener threw`, { cause: err }),
      );
  });
  const report = (err: ClientError): void => emitter.emit('error', err);

  const write = (frame: ClientFrame): void => {
    let bytes: string | Uint8Array;
    try {
      bytes = codec.encode(frame);
    } catch (err) {
      throw new ClientError('codec_error', `could not encode ${frame.type}: ${String(err)}`, {
        cause: err,
      });
    }
    socket?.send(bytes);
  };

  /** Writes a request without an id (no ack comes back) when open; false when not sent. */
  const sendVolatile = (frame: ClientFrame): boolean => {
    if (state !== 'open' || socket === undefined || socket.readyState !== 1) return false;
    write(frame);
    return true;
  };

  const requests = createRequestTable({
    timers,
    timeoutMs: resolved.requestTimeoutMs,
    maxQueued: resolved.maxQueued,
    isOpen: () => state === 'open' && socket !== undefined && socket.readyState === 1,
    isClosed: () => state === 'closed',
    send: write,
  });

  const threads = createThreadTable({
    request: (frame, kind) => requests.start(frame, kind),
    deliver: (frame) => subscriptions.deliver(frame),
    resumed: (thread, recovered) => emitter.emit('resumed', { thread, recovered }),
    report,
  });

  const subscriptions = createSubscriptions({
    emitter,
    report,
    threads,
    isClosed: () => state === 'closed',
  });

  const detach = (ws: WebSocketLike): void => {
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
  };

  const onWelcome = (frame: WelcomeFrame): void => {
    timers.clearTimeout(welcomeTimer);
    const resumed = welcome !== undefined;
    welcome = frame;
    resumeToken = frame.resumeToken;
    state = 'open';
    // The backoff starts over only once a connection has lasted: a server that accepts and then
    // drops every connection at once still gets growing, jittered delays.
    stableTimer = timers.setTimeout(() => {
      attempt = 0;
    }, stableAfterMs);
    refreshedWithoutOpen = false;
    opens++;
    threads.restore(frame.restored);
    requests.flush();
    emitter.emit('open', {
      url: currentUrl,
      connectionId: frame.connectionId,
      userId: frame.userId,
      instanceId: frame.instanceId,
      restored: frame.restored,
      resumed,
    });
  };

  const onFrame = (frame: ServerFrame): void => {
    switch (frame.type) {
      case 'welcome':
        onWelcome(frame);
        return;
      case 'ack':
      case 'error':
        if (!requests.settle(frame) && frame.type === 'error')
          report(new ClientError(frame.code, frame.message));
        return;
      case 'message':
        if (frame.thread === undefined) subscriptions.deliver(frame);
        else threads.message(frame as MessageFrame & { thread: string });
        return;
      case 'resync':
        threads.resync(frame.thread);
        return;
      case 'reconnect':
        hint = frame;
        return;
      case 'ping':
        try {
          write({ type: 'pong' });
        } catch (err) {
          report(err as ClientError);
        }
        return;
      case 'pong':
        return;
    }
  };

  const onData = (data: unknown): void => {
    let frame: ServerFrame | undefined;
    try {
      frame = toServerFrame(codec.decode(toBytes(data)));
    } catch (err) {
      report(
        new ClientError('codec_error', `undecodable frame ignored: ${String(err)}`, { cause: err }),
      );
      return;
    }
    if (frame === undefined) {
      report(new ClientError('codec_error', 'unknown or malformed frame ignored'));
      return;
    }
    onFrame(frame);
  };

  const finish = (code: number, reason: string): void => {
    state = 'closed';
    requests.rejectAll(
      new ClientError(
        'closed',
        `connection closed with ${code}${reason === '' ? '' : ` (${reason})`}: not reconnecting`,
      ),
    );
    emitter.emit('closed', { code, reason, willRetry: false });
  };

  const retryIn = (code: number, reason: string, delayMs: number): void => {
    state = 'reconnecting';
    emitter.emit('reconnecting', { code, reason, willRetry: true, delayMs, attempt, url: nextUrl });
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, delayMs);
  };

  const onClose = (code: number, reason: string): void => {
    timers.clearTimeout(welcomeTimer);
    timers.clearTimeout(stableTimer);
    const opened = state === 'open';
    const h = hint;
    hint = undefined;
    socket = undefined;
    requests.disconnected();
    threads.disconnected();
    if (state === 'closed') return;
    // Stay with the instance that worked; a failed attempt at a hinted URL falls back to the base URL.
    nextUrl = opened ? currentUrl : baseUrl;
    switch (closeAction(code)) {
      case 'stop':
        finish(code, reason);
        return;
      case 'retry':
        retryIn(code, reason, backoffDelay(attempt++, random, backoff));
        return;
      case 'wait':
        retryIn(code, reason, policyWaitMs + backoffDelay(attempt++, random, backoff));
        return;
      case 'follow-hint': {
        if (h === undefined) {
          retryIn(code, reason, backoffDelay(attempt++, random, backoff));
          return;
        }
        if (h.url !== undefined) {
          if (isAllowedHint(h.url, baseUrl, allowed)) nextUrl = new URL(h.url).toString();
          else
            report(
              new ClientError(
                'hint_refused',
                `reconnect hint refused (not in allowedOrigins): ${hintHost(h.url)}`,
              ),
            );
        }
        retryIn(
          code,
          reason,
          Math.min(Math.max(0, h.afterMs), backoff.maxMs ?? clientDefaults.backoff.maxMs),
        );
        return;
      }
      case 'refresh-token':
        void refreshToken(code, reason);
        return;
    }
  };

  const refreshToken = async (code: number, reason: string): Promise<void> => {
    if (options.getToken === undefined || refreshedWithoutOpen) {
      finish(code, reason);
      return;
    }
    state = 'reconnecting';
    const mine = epoch;
    let fresh: string | undefined | null;
    try {
      fresh = await options.getToken();
    } catch (err) {
      report(
        new ClientError('token_error', `getToken failed after ${code}: ${String(err)}`, {
          cause: err,
        }),
      );
      fresh = undefined;
    }
    if (mine !== epoch) return; // closed, or connect() was called, while getToken ran
    if (typeof fresh !== 'string' || fresh === '' || fresh === token) {
      finish(code, reason);
      return;
    }
    token = fresh;
    refreshedWithoutOpen = true;
    retryIn(code, reason, 0);
  };

  const open = async (): Promise<void> => {
    const mine = ++epoch;
    state = 'connecting';
    currentUrl = nextUrl;
    emitter.emit('connecting', { url: currentUrl, attempt });
    if (token === undefined && options.getToken !== undefined) {
      try {
        token = (await options.getToken()) ?? undefined;
      } catch (err) {
        report(new ClientError('token_error', `getToken failed: ${String(err)}`, { cause: err }));
      }
      if (mine !== epoch) return; // closed, or connect() was called, while getToken ran
    }
    let ws: WebSocketLike;
    try {
      ws = new WS(socketUrl(currentUrl, token, resumeToken), [codec.name]);
    } catch (err) {
      report(
        new ClientError('invalid_options', `could not open a socket: ${String(err)}`, {
          cause: err,
        }),
      );
      onClose(closeCodes.abnormal, 'socket constructor threw');
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (ev: { data: unknown }) => {
      if (socket === ws) onData(ev.data);
    };
    ws.onclose = (ev: { code: number; reason: string }) => {
      detach(ws);
      if (socket === ws) onClose(ev.code, ev.reason);
    };
    welcomeTimer = timers.setTimeout(() => {
      if (socket !== ws) return;
      detach(ws);
      try {
        ws.close(closeCodes.normal, 'no welcome in time');
      } catch {
        // already closing
      }
      onClose(closeCodes.abnormal, `no welcome within ${connectTimeoutMs} ms`);
    }, connectTimeoutMs);
  };

  const requireThreadArg = (thread: string): void => {
    if (typeof thread !== 'string' || thread === '')
      throw new ClientError('bad_request', 'thread must be a non-empty string');
  };

  const client: Client = {
    get state() {
      return state;
    },
    get url() {
      return currentUrl;
    },
    get connectionId() {
      return state === 'open' ? welcome?.connectionId : undefined;
    },
    get userId() {
      return welcome?.userId;
    },
    get instanceId() {
      return state === 'open' ? welcome?.instanceId : undefined;
    },

    join(thread) {
      requireThreadArg(thread);
      return threads.join(thread, true);
    },
    leave(thread) {
      requireThreadArg(thread);
      return threads.leave(thread);
    },
    async publish(thread, data) {
      requireThreadArg(thread);
      const ack = await requests.start({ type: 'publish', thread, data });
      return ack.offset === undefined ? {} : { offset: ack.offset };
    },
    async direct(to, data) {
      await requests.start({ type: 'direct', to, data });
    },
    publishVolatile(thread, data) {
      requireThreadArg(thread);
      return sendVolatile({ type: 'publish', thread, data });
    },
    directVolatile(to, data) {
      return sendVolatile({ type: 'direct', to, data });
    },

    subscribe(thread, listener) {
      requireThreadArg(thread);
      return subscriptions.subscribe(thread, listener);
    },

    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    lastOffset: (thread) => threads.lastOffset(thread),
    threads: () => threads.list(),
    stats: () => ({
      duplicatesDropped: threads.duplicatesDropped,
      reconnects: Math.max(0, opens - 1),
      queued: requests.queued,
      inFlight: requests.inFlight,
    }),

    connect() {
      if (state === 'open' || state === 'connecting') return;
      if (retryTimer !== undefined) {
        timers.clearTimeout(retryTimer);
        retryTimer = undefined;
      }
      if (state === 'closed') {
        attempt = 0;
        refreshedWithoutOpen = false;
      }
      void open();
    },

    close() {
      if (state === 'closed') return;
      epoch++;
      const ws = socket;
      socket = undefined;
      timers.clearTimeout(retryTimer);
      timers.clearTimeout(welcomeTimer);
      timers.clearTimeout(stableTimer);
      retryTimer = undefined;
      if (ws !== undefined) {
        detach(ws);
        try {
          ws.close(closeCodes.normal, 'client closed');
        } catch {
          // already closing
        }
      }
      threads.disconnected();
      finish(closeCodes.normal, 'client closed');
    },
  };

  if (resolved.autoConnect) void open();
  return client;
}
