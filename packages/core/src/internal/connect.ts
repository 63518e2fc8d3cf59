import type { ConnectOptions } from '../api.js';
import { CloseCode } from '../closeCodes.js';
import { WsError } from '../errors.js';
import type { ConnectionId, Offset, ThreadId, UserId } from '../ids.js';
import { isThreadId, isUserId } from '../ids.js';
import type { SocketLike } from '../socket.js';
import { handleInbound, processQueue } from './inbound.js';
import { addMembership, noThreads, saveSession } from './memberships.js';
import { removeRecord } from './records.js';
import type { ConnRecord, ManagerState } from './state.js';
import { relativeTime } from './time.js';
import { addUserConnection } from './users.js';
import { bindView, openView } from './view.js';
import { sendControl } from './writing.js';

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `bytes[start..end)` as base64url without padding (16 bytes: 22 characters), as one flat string. */
export function encodeResumeToken(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const codes: number[] = [];
  for (let i = start; i < end; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < end ? (bytes[i + 1] as number) : 0;
    const b2 = i + 2 < end ? (bytes[i + 2] as number) : 0;
    codes.push(base64url.charCodeAt(b0 >> 2), base64url.charCodeAt(((b0 & 3) << 4) | (b1 >> 4)));
    if (i + 1 < end) codes.push(base64url.charCodeAt(((b1 & 15) << 2) | (b2 >> 6)));
    if (i + 2 < end) codes.push(base64url.charCodeAt(b2 & 63));
  }
  return String.fromCharCode(...codes);
}

/** Resume tokens drawn per `getRandomValues` call (a call costs about as much as 15 encodings). */
const tokensPerDraw = 256;

/** 128 random bits, base64url, from the manager's pool of random bytes (used bytes are zeroed). */
function newResumeToken(state: ManagerState): string {
  let pool = state.tokenBytes;
  if (pool === undefined) {
    pool = { bytes: new Uint8Array(16 * tokensPerDraw), next: 16 * tokensPerDraw };
    state.tokenBytes = pool;
  }
  if (pool.next >= pool.bytes.length) {
    globalThis.crypto.getRandomValues(pool.bytes);
    pool.next = 0;
  }
  const start = pool.next;
  pool.next = start + 16;
  const token = encodeResumeToken(pool.bytes, start, start + 16);
  pool.bytes.fill(0, start, start + 16);
  return token;
}

/**
 * A frozen copy of the connection's context: its own enumerable string and symbol keys, as
 * `{ ...context }` copies them. Not built with spread: V8 gives every frozen spread copy a hidden
 * class of its own (about 150 bytes per connection); an object from `Object.fromEntries` shares one.
 */
function frozenContext(context: ConnectOptions['context']): Readonly<Record<string, unknown>> {
  if (context === undefined || (context as unknown) === null) return Object.freeze({});
  const copy: Record<PropertyKey, unknown> = Object.fromEntries(Object.entries(context));
  for (const key of Object.getOwnPropertySymbols(context)) {
    if (Object.prototype.propertyIsEnumerable.call(context, key)) {
      copy[key] = (context as Record<PropertyKey, unknown>)[key];
    }
  }
  return Object.freeze(copy);
}

/**
 * Subscribes core to the socket's messages, close and (where it has them) pongs, in that order.
 * A function of its own, so the listeners' closure context holds `state` and `rec` only.
 */
function listen(state: ManagerState, rec: ConnRecord): void {
  const socket = rec.socket;
  rec.offMessage = socket.onMessage((data) => handleInbound(state, rec, data));
  rec.offClose = socket.onClose((code, reason) => removeRecord(state, rec, code, reason, 'client'));
  if (socket.onPong === undefined) return;
  rec.offPong = socket.onPong(() => {
    if (rec.closed) return;
    rec.lastActivityAt = relativeTime(state, state.clock.now());
    state.emitter.emit('pong', rec.view, 'protocol');
  });
}

function refuse(state: ManagerState, socket: SocketLike, code: number, error: WsError): never {
  try {
    socket.close(code, error.message.slice(0, 120));
  } catch (err) {
    state.reportError(err, 'socket-close');
  }
  throw error;
}

/** Restores a session's thread memberships that still pass `authorizeThread`. */
async function restorable(
  state: ManagerState,
  rec: ConnRecord,
  threads: Readonly<Record<string, Offset>>,
): Promise<[ThreadId, Offset][]> {
  const authorize = state.options.authorizeThread;
  const out: [ThreadId, Offset][] = [];
  if (authorize === undefined) return out;
  for (const [t, offset] of Object.entries(threads)) {
    if (out.length >= state.limits.maxThreadsPerConnection) break;
    if (!isThreadId(t)) continue;
    try {
      if (
        (await authorize(rec.userId, t, {
          connectionId: rec.id,
          context: rec.context,
          restoring: true,
        })) === true
      ) {
        out.push([t, offset]);
      }
    } catch (err) {
      state.reportError(err, 'authorize-restore', rec.id);
    }
  }
  return out;
}

/**
 * Registers an authenticated connection: limits, cluster admission (reject or evict), session
 * restore (single use, same user only, re-authorized), registration, then `welcome`. Frames
 * that arrive meanwhile wait in the connection's queue.
 */
export async function connectUser(
  state: ManagerState,
  userId: UserId,
  socket: SocketLike,
  o: ConnectOptions,
  started: Promise<void>,
): Promise<ConnectionId> {
  const { limits, clock, cluster } = state;
  if (!isUserId(userId)) {
    refuse(
      state,
      socket,
      CloseCode.policyViolation,
      new WsError('bad_request', 'user id must be a string of 1-256 characters'),
    );
  }
  if (state.lifecycle !== 'running') {
    refuse(
      state,
      socket,
      state.lifecycle === 'draining' ? CloseCode.serviceRestart : CloseCode.goingAway,
      new WsError('unavailable', `the manager is ${state.lifecycle}`),
    );
  }
  if (state.connections.size + state.pendingConnects >= limits.maxConnections) {
    refuse(
      state,
      socket,
      CloseCode.tryAgainLater,
      new WsError('server_full', `server full (${limits.maxConnections} connections)`),
    );
  }
  const at = clock.now();
  if (o.expiresAt !== undefined && o.expiresAt <= at) {
    refuse(
      state,
      socket,
      CloseCode.sessionExpired,
      new WsError('forbidden', 'credentials already expired'),
    );
  }

  // Record times are relative to the manager's origin (see ConnRecord).
  const now = relativeTime(state, at);
  const id = `${state.instanceId}-${(++state.nextConnection).toString(36)}` as ConnectionId;
  const none = noThreads(state);
  const view = openView(state);
  const rec: ConnRecord = {
    id,
    userId,
    socket,
    codec: o.codec ?? state.codec,
    context: frozenContext(o.context),
    connectedAt: now,
    threads: none.threads,
    threadIds: none.threadIds,
    tokens: limits.inboundRate.burst,
    tokensAt: now,
    queue: undefined,
    resyncPending: undefined,
    pendingJoins: undefined,
    sessionSaved: false,
    offMessage: undefined,
    offClose: undefined,
    offPong: undefined,
    view,
    lastActivityAt: now,
    expiresAt: o.expiresAt,
    violations: 0,
    busy: false,
    registered: false,
    closed: false,
    resumeToken: newResumeToken(state),
    generation: 1,
  };
  bindView(view, rec);
  listen(state, rec);

  state.pendingConnects++;
  let admitted = false;
  try {
    await started;
    let admission;
    try {
      admission = await cluster.admit(userId, id);
    } catch (err) {
      const error = state.reportError(err, 'cluster-admit', id);
      removeRecord(state, rec, CloseCode.internalError, 'cluster unavailable', 'server');
      refuse(
        state,
        socket,
        CloseCode.internalError,
        new WsError('cluster_error', 'could not admit the connection', { cause: error }),
      );
    }
    if (!admission.admitted) {
      removeRecord(state, rec, CloseCode.userLimit, 'user limit', 'server');
      refuse(state, socket, CloseCode.userLimit, new WsError('user_limit', admission.reason));
    }
    admitted = true;
    for (const victim of admission.evict) {
      const old = state.connections.get(victim);
      if (old === undefined) continue;
      state.m.evicted.inc();
      state.emitter.emit('evicted', {
        connectionId: victim,
        userId: old.userId,
        code: CloseCode.evicted,
      });
      try {
        old.socket.close(CloseCode.evicted, 'evicted by a newer connection');
      } catch (err) {
        state.reportError(err, 'socket-close', victim);
      }
      removeRecord(state, old, CloseCode.evicted, 'evicted', 'server');
    }

    let restored: [ThreadId, Offset][] = [];
    if (o.resumeToken !== undefined && o.resumeToken !== '') {
      try {
        const session = await cluster.takeSession(o.resumeToken, userId);
        if (session !== null && session.userId === userId) {
          rec.generation = session.generation + 1;
          restored = await restorable(state, rec, session.threads);
        }
      } catch (err) {
        state.reportError(err, 'session-take', id);
      }
    }

    if (rec.closed || socket.readyState !== 1) {
      removeRecord(state, rec, CloseCode.abnormal, 'closed during connect', 'client');
      throw new WsError('closed', 'the socket closed before the connection was registered');
    }

    // Register and greet with no await in between, so no message can come before `welcome`.
    rec.registered = true;
    state.connections.set(id, rec);
    if (addUserConnection(state, rec)) {
      cluster
        .onLocalJoin({ kind: 'user', userId })
        .catch((err: unknown) => state.reportError(err, 'cluster-join', id));
    }
    for (const [t, offset] of restored) addMembership(state, rec, t, offset);
    sendControl(state, rec, {
      type: 'welcome',
      connectionId: id,
      userId,
      instanceId: state.instanceId,
      resumeToken: rec.resumeToken,
      restored: restored.map(([t]) => t),
    });
    state.m.opened.inc();
    state.emitter.emit('connection', rec.view);
    saveSession(state, rec);
    processQueue(state, rec);
    return id;
  } catch (err) {
    if (admitted && !rec.registered) {
      cluster
        .release(userId, id)
        .catch((e: unknown) => state.reportError(e, 'cluster-release', id));
    }
    throw err;
  } finally {
    state.pendingConnects--;
  }
}
