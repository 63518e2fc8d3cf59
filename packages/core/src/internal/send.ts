import type { DeliveryTarget, MaybePromise, PublishOutcome } from '../cluster.js';
import { WsError, toWsError } from '../errors.js';
import type { MessageFrame, ServerFrame } from '../frames.js';
import { directMessageFrame, threadMessageFrame } from '../frames.js';
import type { SendOptions, ThreadSendOptions } from '../api.js';
import type { ConnectionId, Offset, ThreadId, UserId } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import { toWireData, toWireDataOwned } from '../serialize.js';
import { countDrop, createTally, writeAll, type Tally } from './writing.js';
import { isPromise } from './maybePromise.js';
import type { ConnRecord, ManagerState } from './state.js';

/** The `dropped` of a send that dropped nothing (shared, frozen). */
const noDrops: SendResult['dropped'] = Object.freeze({});

function result(
  tally: Tally,
  extra: {
    published?: boolean;
    failedRemote?: boolean;
    offset?: Offset | undefined;
    error?: WsError | undefined;
  },
): SendResult {
  const failedRemote = extra.failedRemote ?? false;
  const r: { -readonly [K in keyof SendResult]: SendResult[K] } = {
    ok: extra.error === undefined && !failedRemote,
    delivered: tally.delivered,
    published: extra.published ?? false,
    failedRemote,
    dropped: tally.dropped ?? noDrops,
  };
  if (extra.offset !== undefined) r.offset = extra.offset;
  if (extra.error !== undefined) r.error = extra.error;
  return r;
}

/** A failed send that reached nobody. */
export function failedSend(error: WsError, tally: Tally = createTally()): SendResult {
  return result(tally, { error });
}

/**
 * Runs the outbound middleware once for this send. Resolves to the frame to send, or undefined
 * when a middleware consumed it.
 */
async function runOutbound(
  state: ManagerState,
  target: DeliveryTarget,
  frame: ServerFrame,
): Promise<ServerFrame | undefined> {
  const chain = state.outbound;
  let passed: ServerFrame | undefined;
  const step = async (i: number, f: ServerFrame): Promise<void> => {
    if (i === chain.length) {
      passed = f;
      return;
    }
    await (chain[i] as (typeof chain)[number])(target, f, (next) => step(i + 1, next ?? f));
  };
  await step(0, frame);
  return passed;
}

type Prepared<F> = { frame: F } | { result: SendResult };

/**
 * Normalizes data and applies outbound middleware; a failure becomes a `SendResult`. Settles
 * synchronously when no outbound middleware is installed. `owned`: the data came from a client's
 * frame (nobody else holds it), so plain data needs no copy.
 */
function prepareFrame<F extends ServerFrame>(
  state: ManagerState,
  target: DeliveryTarget,
  build: (from: UserId | null, data: unknown) => F,
  from: UserId | null,
  data: unknown,
  owned: boolean,
): Prepared<F> | Promise<Prepared<F>> {
  if (state.lifecycle === 'closed') {
    return { result: failedSend(new WsError('closed', 'the manager is closed')) };
  }
  const wire = owned ? toWireDataOwned(data) : toWireData(data);
  if (!wire.ok) {
    state.m.sendFailures.inc(1, { cause: 'unserializable' });
    return { result: failedSend(wire.error) };
  }
  const frame = build(from, wire.value);
  if (state.outbound.length === 0) return { frame };
  return runOutbound(state, target, frame).then(
    (out): Prepared<F> => {
      if (out !== undefined) return { frame: out as F };
      const tally = createTally();
      countDrop(state, tally, 'filtered');
      return { result: result(tally, {}) };
    },
    (err: unknown): Prepared<F> => {
      const error = state.reportError(err, 'outbound-middleware');
      return {
        result: failedSend(
          new WsError('internal_error', 'outbound middleware failed', { cause: error }),
        ),
      };
    },
  );
}

/** This instance's connections a target addresses (undefined: none here). */
function localRecipients(
  state: ManagerState,
  target: DeliveryTarget,
): ConnRecord | Iterable<ConnRecord> | undefined {
  switch (target.kind) {
    case 'thread':
      return state.threads.get(target.threadId);
    case 'user':
      return state.users.get(target.userId);
    case 'connection': {
      const rec = state.connections.get(target.connectionId);
      return rec;
    }
    case 'all':
      return state.connections.values();
  }
}

/** Delivers a frame from another instance to this instance's matching connections. */
export function deliverLocal(
  state: ManagerState,
  target: DeliveryTarget,
  frame: ServerFrame,
): number {
  const tally = createTally();
  const recs = localRecipients(state, target);
  if (recs !== undefined) {
    writeAll(state, frame, recs, tally, target.kind === 'thread' ? target.threadId : undefined);
  }
  return tally.delivered;
}

/** Sends a thread message: offset from the cluster (history + remote publish), then local fan-out. */
export function sendToThread(
  state: ManagerState,
  threadId: ThreadId,
  data: unknown,
  options: ThreadSendOptions = {},
  owned = false,
): MaybePromise<SendResult> {
  const from = options.from ?? null;
  const prepared = prepareFrame(
    state,
    { kind: 'thread', threadId },
    (f, d) => threadMessageFrame(threadId, f, d),
    from,
    data,
    owned,
  );
  return isPromise(prepared)
    ? prepared.then((p) => publishThread(state, threadId, p, options))
    : publishThread(state, threadId, prepared, options);
}

function publishThread(
  state: ManagerState,
  threadId: ThreadId,
  prepared: Prepared<MessageFrame>,
  options: ThreadSendOptions,
): MaybePromise<SendResult> {
  if ('result' in prepared) return prepared.result;
  const frame = prepared.frame;
  let pending: ReturnType<ManagerState['cluster']['publishToThread']>;
  try {
    pending = state.cluster.publishToThread(threadId, frame);
  } catch (err) {
    return fanOutThread(state, threadId, frame, options, err);
  }
  if (!isPromise(pending)) return fanOutThread(state, threadId, frame, options, undefined, pending);
  return pending.then(
    (outcome) => fanOutThread(state, threadId, frame, options, undefined, outcome),
    (err: unknown) => fanOutThread(state, threadId, frame, options, err),
  );
}

/** Local fan-out of a thread message once the cluster answered (or failed: `err`). */
function fanOutThread(
  state: ManagerState,
  threadId: ThreadId,
  prepared: MessageFrame,
  options: ThreadSendOptions,
  err: unknown,
  outcome?: { offset: Offset; published: boolean },
): SendResult {
  let frame = prepared;
  let error: WsError | undefined;
  if (outcome !== undefined) {
    frame = { ...frame, offset: outcome.offset };
  } else {
    error = toWsError(err, 'cluster_error');
    state.m.sendFailures.inc(1, { cause: 'cluster' });
    state.reportError(error, 'publish-thread');
  }
  const tally = createTally();
  const members = state.threads.get(threadId);
  if (members !== undefined) {
    const except =
      options.except === undefined
        ? undefined
        : new Set(typeof options.except === 'string' ? [options.except] : options.except);
    writeAll(state, frame, members, tally, threadId, except);
  }
  return result(tally, {
    published: outcome?.published ?? false,
    failedRemote: outcome === undefined,
    offset: outcome?.offset,
    error,
  });
}

/** Publishes a direct frame to the other instances the target reaches (none for a connection). */
function publishDirect(
  state: ManagerState,
  target: Exclude<DeliveryTarget, { kind: 'thread' }>,
  frame: ServerFrame,
): MaybePromise<PublishOutcome> | undefined {
  switch (target.kind) {
    case 'user':
      return state.cluster.publishToUser(target.userId, frame);
    case 'all':
      return state.cluster.publishAll(frame);
    case 'connection':
      return undefined;
  }
}

/**
 * Sends a direct `message` (no thread, no offset) to the local connections a target addresses,
 * then to other instances (a user or everyone; a connection is only ever local).
 */
function sendDirect(
  state: ManagerState,
  target: Exclude<DeliveryTarget, { kind: 'thread' }>,
  data: unknown,
  options: SendOptions,
  owned: boolean,
): MaybePromise<SendResult> {
  const from = options.from ?? null;
  const prepared = prepareFrame(state, target, directMessageFrame, from, data, owned);
  return isPromise(prepared)
    ? prepared.then((p) => deliverDirect(state, target, p))
    : deliverDirect(state, target, prepared);
}

function deliverDirect(
  state: ManagerState,
  target: Exclude<DeliveryTarget, { kind: 'thread' }>,
  prepared: Prepared<ServerFrame>,
): MaybePromise<SendResult> {
  if ('result' in prepared) return prepared.result;
  const tally = createTally();
  const recs = localRecipients(state, target);
  if (recs !== undefined) writeAll(state, prepared.frame, recs, tally);
  else if (target.kind === 'connection') countDrop(state, tally, 'not_found');
  let pending: MaybePromise<PublishOutcome> | undefined;
  try {
    pending = publishDirect(state, target, prepared.frame);
  } catch (err) {
    return failedPublish(state, target, tally, err);
  }
  if (pending === undefined) return result(tally, {});
  if (!isPromise(pending)) return result(tally, { published: pending.published });
  return pending.then(
    ({ published }) => result(tally, { published }),
    (err: unknown) => failedPublish(state, target, tally, err),
  );
}

function failedPublish(
  state: ManagerState,
  target: DeliveryTarget,
  tally: Tally,
  err: unknown,
): SendResult {
  const error = toWsError(err, 'cluster_error');
  state.m.sendFailures.inc(1, { cause: 'cluster' });
  state.reportError(error, `publish-${target.kind}`);
  return result(tally, { failedRemote: true, error });
}

/** Sends a direct message to every connection of a user, here and on other instances. */
export function sendToUser(
  state: ManagerState,
  userId: UserId,
  data: unknown,
  options: SendOptions = {},
  owned = false,
): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'user', userId }, data, options, owned);
}

/** Sends a message to every connection of the cluster. */
export function broadcast(
  state: ManagerState,
  data: unknown,
  options: SendOptions = {},
): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'all' }, data, options, false);
}

/** Sends a message to one connection of this instance. */
export function sendToConnection(
  state: ManagerState,
  connectionId: ConnectionId,
  data: unknown,
  options: SendOptions = {},
): MaybePromise<SendResult> {
  return sendDirect(state, { kind: 'connection', connectionId }, data, options, false);
}
