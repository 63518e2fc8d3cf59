import type { ConnectOptions } from '../api.js';
import { CloseCode } from '../closeCodes.js';
import { WsError } from '../errors.js';
import type { ConnectionId, UserId } from '../ids.js';
import { isUserId } from '../ids.js';
import type { SocketLike } from '../socket.js';
import { handleInbound, processQueue } from './inbound.js';
import type { Membership } from './memberships.js';
import { addMembership, noThreads, saveSession } from './memberships.js';
import { removeRecord } from './records.js';
import { MAX_CREDENTIAL_LENGTH } from './receive.js';
import { restore } from './restore.js';
import { newResumeToken } from './resumeToken.js';
import type { ConnRecord, ManagerState } from './state.js';
import { relativeTime } from './time.js';
import { addUserConnection } from './users.js';
import { bindView, openView } from './view.js';
import { sendControl } from './writing.js';

/** What `manager.connectUser` was given: the authenticated user, the socket, the options. */
export interface ConnectRequest {
  readonly userId: UserId;
  readonly socket: SocketLike;
  readonly options: ConnectOptions;
}

/** Why a connection is refused: the close code the socket gets, and the error thrown. */
interface Refusal {
  readonly code: number;
  readonly error: WsError;
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
  rec.offClose = socket.onClose((code, reason) =>
    removeRecord(state, rec, { code, reason, by: 'client' }),
  );
  if (socket.onPong === undefined) return;
  rec.offPong = socket.onPong(() => {
    if (rec.closed) return;
    rec.lastActivityAt = relativeTime(state, state.clock.now());
    state.emitter.emit('pong', rec.view, 'protocol');
  });
}

function validCredential(credential: unknown): boolean {
  return (
    typeof credential === 'string' &&
    credential.length > 0 &&
    credential.length <= MAX_CREDENTIAL_LENGTH
  );
}

/** Closes the socket with the refusal's code and throws its error. */
function refuse(state: ManagerState, socket: SocketLike, refusal: Refusal): never {
  try {
    socket.close(refusal.code, refusal.error.message.slice(0, 120));
  } catch (err) {
    state.reportError(err, 'socket-close');
  }
  throw refusal.error;
}

/** Why a connection cannot even start (bad user id, not running, server full), if it cannot. */
function startRefusal(state: ManagerState, userId: UserId): Refusal | undefined {
  if (!isUserId(userId)) {
    const error = new WsError('bad_request', 'user id must be a string of 1-256 characters');
    return { code: CloseCode.policyViolation, error };
  }
  if (state.lifecycle !== 'running') {
    const code = state.lifecycle === 'draining' ? CloseCode.serviceRestart : CloseCode.goingAway;
    return { code, error: new WsError('unavailable', `the manager is ${state.lifecycle}`) };
  }
  const max = state.limits.maxConnections;
  if (state.connections.size + state.pendingConnects >= max) {
    const error = new WsError('server_full', `server full (${max} connections)`);
    return { code: CloseCode.tryAgainLater, error };
  }
  return undefined;
}

/** The record of a new connection (not yet registered), with its view, at time `at`. */
function createRecord(state: ManagerState, request: ConnectRequest, at: number): ConnRecord {
  const { userId, socket, options: o } = request;
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
    tokens: state.limits.inboundRate.burst,
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
    refresh: o.refresh,
    violations: 0,
    busy: false,
    registered: false,
    closed: false,
    resumeToken: newResumeToken(state),
    generation: 1,
  };
  bindView(view, rec);
  return rec;
}

/**
 * Asks the cluster to admit the connection: refused (closed 1011 when the cluster failed, 4101
 * at the user limit), or admitted with the connections to evict to make room.
 */
async function admit(state: ManagerState, rec: ConnRecord): Promise<readonly ConnectionId[]> {
  let admission;
  try {
    admission = await state.cluster.admit(rec.userId, rec.id);
  } catch (err) {
    const error = state.reportError(err, 'cluster-admit', rec.id);
    removeRecord(state, rec, {
      code: CloseCode.internalError,
      reason: 'cluster unavailable',
      by: 'server',
    });
    refuse(state, rec.socket, {
      code: CloseCode.internalError,
      error: new WsError('cluster_error', 'could not admit the connection', { cause: error }),
    });
  }
  if (!admission.admitted) {
    removeRecord(state, rec, { code: CloseCode.userLimit, reason: 'user limit', by: 'server' });
    refuse(state, rec.socket, {
      code: CloseCode.userLimit,
      error: new WsError('user_limit', admission.reason),
    });
  }
  return admission.evict;
}

/** Closes this instance's connections the cluster evicted to make room (4100). */
function evict(state: ManagerState, victims: readonly ConnectionId[]): void {
  for (const victim of victims) {
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
    removeRecord(state, old, { code: CloseCode.evicted, reason: 'evicted', by: 'server' });
  }
}

/**
 * Registers the connection and greets it, with no await in between, so no message can come
 * before `welcome`; then runs the frames that waited meanwhile.
 */
function register(state: ManagerState, rec: ConnRecord, restored: readonly Membership[]): void {
  rec.registered = true;
  state.connections.set(rec.id, rec);
  if (addUserConnection(state, rec)) {
    state.cluster
      .onLocalJoin({ kind: 'user', userId: rec.userId })
      .catch((err: unknown) => state.reportError(err, 'cluster-join', rec.id));
  }
  for (const membership of restored) addMembership(state, rec, membership);
  sendControl(state, rec, {
    type: 'welcome',
    connectionId: rec.id,
    userId: rec.userId,
    instanceId: state.instanceId,
    resumeToken: rec.resumeToken,
    restored: restored.map(([t]) => t),
    // After core's fields, so the frame still starts with "type" (clients may match that prefix);
    // a plugin cannot shadow a core field (PluginContext.welcome refuses those names).
    ...state.welcomeFields,
    ...(rec.expiresAt === undefined ? {} : { expiresAt: rec.expiresAt }),
  });
  state.m.opened.inc();
  state.emitter.emit('connection', rec.view);
  saveSession(state, rec);
  processQueue(state, rec);
}

/**
 * Registers an authenticated connection: limits, cluster admission (reject or evict), session
 * restore (single use, same user only, re-authorized), registration, then `welcome`. Frames
 * that arrive meanwhile wait in the connection's queue. `started`: the cluster adapter's start.
 */
export async function connectUser(
  state: ManagerState,
  request: ConnectRequest,
  started: Promise<void>,
): Promise<ConnectionId> {
  const { userId, socket, options: o } = request;
  const refusal = startRefusal(state, userId);
  if (refusal !== undefined) refuse(state, socket, refusal);
  const at = state.clock.now();
  if (o.expiresAt !== undefined && o.expiresAt <= at) {
    const error = new WsError('forbidden', 'credentials already expired');
    refuse(state, socket, { code: CloseCode.sessionExpired, error });
  }
  if (o.credential !== undefined && !validCredential(o.credential)) {
    const error = new WsError(
      'invalid_options',
      `credential must be a string of 1-${MAX_CREDENTIAL_LENGTH} characters`,
    );
    refuse(state, socket, { code: CloseCode.internalError, error });
  }
  const rec = createRecord(state, request, at);
  if (o.credential !== undefined)
    state.receivers.set(rec, { credential: o.credential, lastSeq: 0 });
  listen(state, rec);

  state.pendingConnects++;
  let admitted = false;
  try {
    await started;
    const victims = await admit(state, rec);
    admitted = true;
    evict(state, victims);
    const restored = await restore(state, rec, o.resumeToken);
    if (rec.closed || socket.readyState !== 1) {
      removeRecord(state, rec, {
        code: CloseCode.abnormal,
        reason: 'closed during connect',
        by: 'client',
      });
      throw new WsError('closed', 'the socket closed before the connection was registered');
    }
    register(state, rec, restored);
    return rec.id;
  } catch (err) {
    if (admitted && !rec.registered) {
      state.cluster
        .release(userId, rec.id)
        .catch((e: unknown) => state.reportError(e, 'cluster-release', rec.id));
    }
    throw err;
  } finally {
    state.pendingConnects--;
  }
}
