import type { ThreadSendOptions } from '../managerSends.js';
import type { MaybePromise, ThreadPublishOutcome } from '../cluster.js';
import { toWsError } from '../errors.js';
import type { MessageFrame } from '../frames.js';
import { threadMessageFrame } from '../frames.js';
import type { ConnectionId, ThreadId } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import { isPromise } from './maybePromise.js';
import type { Outgoing } from './outbound.js';
import { applyOutbound, startSend } from './outbound.js';
import { sendResult } from './outcome.js';
import type { ManagerState } from './state.js';
import type { FrameWriter } from './writing.js';
import { createFrameWriter, writeAll } from './writing.js';

/** What a thread send carries: the thread, and the connections that must not receive it. */
export interface ThreadOutgoing extends Outgoing {
  readonly threadId: ThreadId;
  readonly except?: ConnectionId | readonly ConnectionId[] | undefined;
}

/** The {@link ThreadOutgoing} of `manager.sendToThread`. */
export function threadOutgoing(
  threadId: ThreadId,
  data: unknown,
  options: ThreadSendOptions = {},
): ThreadOutgoing {
  return { threadId, data, from: options.from ?? null, except: options.except, owned: false };
}

/** Sends a thread message: offset from the cluster (history + remote publish), then local fan-out. */
export function sendToThread(state: ManagerState, out: ThreadOutgoing): MaybePromise<SendResult> {
  const started = startSend(state, out);
  if (!started.ok) return started.result;
  const frame = threadMessageFrame(out.threadId, out.from, started.value);
  if (state.outbound.length === 0) return publishThread(state, frame, out);
  return applyOutbound(state, { kind: 'thread', threadId: out.threadId }, frame).then((p) =>
    'result' in p ? p.result : publishThread(state, p.frame, out),
  );
}

/** Hands the message to the cluster (which assigns its offset), then writes it to local members. */
function publishThread(
  state: ManagerState,
  frame: MessageFrame,
  out: ThreadOutgoing,
): MaybePromise<SendResult> {
  const w = createFrameWriter(state, frame, out.threadId);
  let pending: MaybePromise<ThreadPublishOutcome>;
  try {
    pending = state.cluster.publishToThread(out.threadId, frame);
  } catch (err) {
    return publishFailed(w, out, err);
  }
  if (!isPromise(pending)) return published(w, out, pending);
  return pending.then(
    (outcome) => published(w, out, outcome),
    (err: unknown) => publishFailed(w, out, err),
  );
}

/** Writes the message to this instance's members of the thread, but `except`. */
function writeToMembers(w: FrameWriter, out: ThreadOutgoing): void {
  const members = w.state.threads.get(out.threadId);
  if (members === undefined) return;
  if (out.except !== undefined) {
    w.except = new Set(typeof out.except === 'string' ? [out.except] : out.except);
  }
  writeAll(w, members);
}

/** The cluster assigned the offset: the local fan-out carries it. */
function published(w: FrameWriter, out: ThreadOutgoing, outcome: ThreadPublishOutcome): SendResult {
  w.frame = { ...(w.frame as MessageFrame), offset: outcome.offset };
  writeToMembers(w, out);
  return sendResult(w, {
    published: outcome.published,
    failedRemote: false,
    offset: outcome.offset,
    error: undefined,
  });
}

/** The cluster failed: reported, and local members still get the message (without offset). */
function publishFailed(w: FrameWriter, out: ThreadOutgoing, err: unknown): SendResult {
  const error = toWsError(err, 'cluster_error');
  w.state.m.sendFailures.inc(1, { cause: 'cluster' });
  w.state.reportError(error, 'publish-thread');
  writeToMembers(w, out);
  return sendResult(w, { published: false, failedRemote: true, offset: undefined, error });
}
