/**
 * The reconnect state machine: `idle` -> `connecting` -> `open` -> `reconnecting` (then
 * `connecting` again) or `closed`. One socket after another, with jittered backoff, reconnect
 * hints and a decision per close code (`closeAction`).
 */
import { backoffDelay } from '../backoff.js';
import { closeAction, closeCodes } from '../closeCodes.js';
import { ClientError } from '../errors.js';
import type { ReconnectFrame, WelcomeFrame } from '../frames.js';
import { clientDefaults } from '../options.js';
import type { Transport } from '../options.js';
import type { WebSocketConstructor, WebSocketLike } from '../socket.js';
import type { ConnectionState } from './connectionState.js';
import { watchLiveness } from './liveness.js';
import { scheduleRefresh } from './refresh.js';
import { isAllowedHint, socketUrl } from './url.js';

/** A socket's close. */
interface Close {
  readonly code: number;
  readonly reason: string;
}

/**
 * The socket's `error` listener, from the socket's creation to its end. A socket error is always
 * followed by a `close` event, which is where the client acts; but the `ws` package emits
 * `'error'` as an EventEmitter event, and one with no listener throws and takes the process down
 * ("Unhandled 'error' event", on ECONNREFUSED, ECONNRESET or a refused handshake). So `onerror` is
 * never left `null`, not even after the client lets a socket go.
 */
function ignoreSocketError(): void {
  // the close that follows is handled by onclose
}

function detach(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  ws.onerror = ignoreSocketError;
}

/** The server's `welcome`: the connection is open, requests flow. */
export function welcomed(c: ConnectionState, frame: WelcomeFrame): void {
  const { options, link, requests, threads, emitter } = c.o;
  options.timers.clearTimeout(c.welcomeTimer);
  const resumed = c.welcome !== undefined;
  c.welcome = frame;
  c.resumeToken = frame.resumeToken;
  link.state = 'open';
  // The backoff starts over only once a connection has lasted: a server that accepts and then
  // drops every connection at once still gets growing, jittered delays.
  c.stableTimer = options.timers.setTimeout(() => {
    c.attempt = 0;
  }, options.stableAfterMs);
  c.refreshedWithoutOpen = false;
  c.spareToken = undefined;
  c.opens++;
  c.kept = true;
  const ws = link.socket;
  if (ws !== undefined) watchLiveness(c, frame, (reason) => giveUp(c, ws, reason));
  scheduleRefresh(c, frame.expiresAt);
  threads.restore(frame.restored);
  requests.flush();
  emitter.emit('open', {
    url: c.currentUrl,
    connectionId: frame.connectionId,
    userId: frame.userId,
    instanceId: frame.instanceId,
    restored: frame.restored,
    resumed,
    transport: (options.transports[c.transport] as readonly [Transport, unknown])[0],
  });
}

/** Lets the current socket go (a missing `welcome`, a dead network): closes it and acts as on a 1006. */
function giveUp(c: ConnectionState, ws: WebSocketLike, reason: string): void {
  detach(ws);
  try {
    ws.close(closeCodes.normal, 'given up');
  } catch {
    // already closing
  }
  socketClosed(c, { code: closeCodes.abnormal, reason });
}

function finish(c: ConnectionState, { code, reason }: Close): void {
  c.o.link.state = 'closed';
  c.o.requests.rejectAll(
    new ClientError(
      'closed',
      `connection closed with ${code}${reason === '' ? '' : ` (${reason})`}: not reconnecting`,
    ),
  );
  c.o.emitter.emit('closed', { code, reason, willRetry: false });
}

function retryIn(c: ConnectionState, { code, reason }: Close, delayMs: number): void {
  c.o.link.state = 'reconnecting';
  const { attempt, nextUrl: url } = c;
  c.o.emitter.emit('reconnecting', { code, reason, willRetry: true, delayMs, attempt, url });
  c.retryTimer = c.o.options.timers.setTimeout(() => {
    c.retryTimer = undefined;
    void openSocket(c);
  }, delayMs);
}

/** The next backoff delay (and one more failed attempt). */
function nextDelay(c: ConnectionState): number {
  const { random, backoff } = c.o.options;
  return backoffDelay(c.attempt++, random, backoff);
}

/** A 1012 close: reconnect where the socket's `reconnect` frame said, after its `afterMs`. */
function followHint(c: ConnectionState, close: Close, h: ReconnectFrame | undefined): void {
  const { baseUrl, allowedOrigins, backoff } = c.o.options;
  if (h === undefined) {
    retryIn(c, close, nextDelay(c));
    return;
  }
  if (h.url !== undefined) {
    if (isAllowedHint(h.url, baseUrl, allowedOrigins)) c.nextUrl = new URL(h.url).toString();
    else
      c.o.report(
        new ClientError(
          'hint_refused',
          `reconnect hint refused (not in allowedOrigins): ${h.url.split(/[?#]/)[0] ?? ''}`,
        ),
      );
  }
  retryIn(
    c,
    close,
    Math.min(Math.max(0, h.afterMs), backoff.maxMs ?? clientDefaults.backoff.maxMs),
  );
}

/** The current socket closed (or never opened): retry, wait, follow a hint, refresh the token or stop. */
function socketClosed(c: ConnectionState, close: Close): void {
  const { options, link, requests, threads } = c.o;
  options.timers.clearTimeout(c.welcomeTimer);
  options.timers.clearTimeout(c.stableTimer);
  options.timers.clearTimeout(c.liveTimer);
  options.timers.clearTimeout(c.refreshTimer);
  const opened = link.state === 'open';
  const h = c.hint;
  c.hint = undefined;
  link.socket = undefined;
  requests.disconnected();
  threads.disconnected();
  // Until a transport worked, each attempt tries the next one (WebSocket, then HTTP, then ...).
  if (!c.kept) c.transport = (c.transport + 1) % options.transports.length;
  if (link.state === 'closed') return;
  // Stay with the instance that worked; a failed attempt at a hinted URL falls back to the base URL.
  c.nextUrl = opened ? c.currentUrl : options.baseUrl;
  switch (closeAction(close.code)) {
    case 'stop':
      finish(c, close);
      return;
    case 'retry':
      retryIn(c, close, nextDelay(c));
      return;
    case 'wait':
      retryIn(c, close, options.policyWaitMs + nextDelay(c));
      return;
    case 'follow-hint':
      followHint(c, close, h);
      return;
    case 'refresh-token':
      void refreshToken(c, close);
      return;
  }
}

/** A 4102 close: one `getToken` call; reconnect only with a fresh token. */
async function refreshToken(c: ConnectionState, close: Close): Promise<void> {
  const source = c.o.options.source;
  if (source.getToken === undefined || c.refreshedWithoutOpen) {
    finish(c, close);
    return;
  }
  c.o.link.state = 'reconnecting';
  const mine = c.epoch;
  let fresh: string | undefined | null = c.spareToken;
  c.spareToken = undefined;
  try {
    fresh ??= await source.getToken();
  } catch (err) {
    c.o.report(
      new ClientError('token_error', `getToken failed after ${close.code}: ${String(err)}`, {
        cause: err,
      }),
    );
    fresh = undefined;
  }
  if (mine !== c.epoch) return; // closed, or connect() was called, while getToken ran
  if (typeof fresh !== 'string' || fresh === '' || fresh === c.token) {
    finish(c, close);
    return;
  }
  c.token = fresh;
  c.refreshedWithoutOpen = true;
  retryIn(c, close, 0);
}

/** Opens a socket at `nextUrl` (getting a token first when there is none) and waits for `welcome`. */
export async function openSocket(c: ConnectionState): Promise<void> {
  const { options, link, emitter, report } = c.o;
  const mine = ++c.epoch;
  link.state = 'connecting';
  c.currentUrl = c.nextUrl;
  emitter.emit('connecting', { url: c.currentUrl, attempt: c.attempt });
  if (c.token === undefined && options.source.getToken !== undefined) {
    try {
      c.token = (await options.source.getToken()) ?? undefined;
    } catch (err) {
      report(new ClientError('token_error', `getToken failed: ${String(err)}`, { cause: err }));
    }
    if (mine !== c.epoch) return; // closed, or connect() was called, while getToken ran
  }
  let ws: WebSocketLike;
  const [, Socket] = options.transports[c.transport] as readonly [Transport, WebSocketConstructor];
  try {
    ws = new Socket(socketUrl(c.currentUrl, c.token, c.resumeToken), [options.codec.name]);
  } catch (err) {
    report(
      new ClientError('invalid_options', `could not open a socket: ${String(err)}`, {
        cause: err,
      }),
    );
    socketClosed(c, { code: closeCodes.abnormal, reason: 'socket constructor threw' });
    return;
  }
  link.socket = ws;
  ws.binaryType = 'arraybuffer';
  ws.onerror = ignoreSocketError;
  ws.onmessage = (ev: { data: unknown }) => {
    if (link.socket !== ws) return;
    c.seenAt = Date.now();
    c.o.onData(ev.data);
  };
  ws.onclose = (ev: { code: number; reason: string }) => {
    detach(ws);
    if (link.socket === ws) socketClosed(c, { code: ev.code, reason: ev.reason });
  };
  // A transport with another after it, not known to work yet, gets `fallbackMs`.
  const last = c.kept || c.transport === options.transports.length - 1;
  const wait = last ? options.connectTimeoutMs : options.fallbackMs;
  c.welcomeTimer = options.timers.setTimeout(() => {
    if (link.socket === ws) giveUp(c, ws, `no welcome within ${wait} ms`);
  }, wait);
}

/** `Client.connect()`: from `idle`, after a close the client did not retry, or cutting a backoff wait short. */
export function connectNow(c: ConnectionState): void {
  const { link, options } = c.o;
  if (link.state === 'open' || link.state === 'connecting') return;
  if (c.retryTimer !== undefined) {
    options.timers.clearTimeout(c.retryTimer);
    c.retryTimer = undefined;
  }
  if (link.state === 'closed') {
    c.attempt = 0;
    c.refreshedWithoutOpen = false;
  }
  void openSocket(c);
}

/** `Client.close()`: closes for good (1000). */
export function closeForGood(c: ConnectionState): void {
  const { link, options, threads } = c.o;
  if (link.state === 'closed') return;
  c.epoch++;
  const ws = link.socket;
  link.socket = undefined;
  options.timers.clearTimeout(c.retryTimer);
  options.timers.clearTimeout(c.welcomeTimer);
  options.timers.clearTimeout(c.stableTimer);
  options.timers.clearTimeout(c.liveTimer);
  options.timers.clearTimeout(c.refreshTimer);
  c.retryTimer = undefined;
  if (ws !== undefined) {
    detach(ws);
    try {
      ws.close(closeCodes.normal, 'client closed');
    } catch {
      // already closing
    }
  }
  threads.disconnected();
  finish(c, { code: closeCodes.normal, reason: 'client closed' });
}
