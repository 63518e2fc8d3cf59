import type {
  ClusterContext,
  ConnectionId,
  ConnectionSendOutcome,
  ReceiveRequest,
  ReceiveResult,
  RemoteConnection,
  ServerFrame,
  UserClose,
  UserId,
} from '@ws/core';
import { Buffer } from 'node:buffer';
import { isBackendCloseCode } from './backendClose.js';
import type { Control } from './control.js';
import { instances } from './registry.js';
import type { Shared } from './shared.js';

/** What the cluster operations need: the adapter's shared state and its control channel. */
export interface Remote {
  readonly s: Shared;
  readonly control: Control;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Closes a user's connections on every other live instance (each asked on its control channel);
 * answers the sum of the counts reported within `commandTimeoutMs`. Never rejects: an instance
 * that does not answer in time is not counted (`ws_redis_control_timeouts_total`).
 */
export async function disconnectUser(r: Remote, userId: UserId, close: UserClose): Promise<number> {
  const peers = (await instances(r.s)).filter((i) => !i.self);
  const args = { userId, code: close.code, reason: close.reason };
  const answers = await Promise.all(
    peers.map((p) => r.control.request(p.instanceId, 'disconnect-user', args)),
  );
  let closed = 0;
  for (const a of answers) if (a.answered && isCount(a.result)) closed += a.result;
  return closed;
}

function isOutcome(v: unknown): v is ConnectionSendOutcome {
  return v === 'delivered' || v === 'not_found' || v === 'dropped';
}

/**
 * Hands a frame to the instance that owns a connection (a request on its control channel);
 * answers what it did, or `no_answer` within `commandTimeoutMs`. Never rejects.
 */
export async function sendToConnection(
  r: Remote,
  target: RemoteConnection,
  frame: ServerFrame,
): Promise<ConnectionSendOutcome> {
  const a = await r.control.request(target.instanceId, 'send-to-connection', {
    connectionId: target.connectionId,
    frame,
  });
  return a.answered && isOutcome(a.result) ? a.result : 'no_answer';
}

function isFrame(v: unknown): v is ServerFrame {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Record<string, unknown>)['type'] === 'string'
  );
}

/** A frame of a remote `receive` on the control channel: text as is, bytes as `{ b64 }`. */
type WireFrame = string | { readonly b64: string };

function toWire(frame: string | Uint8Array): WireFrame {
  return typeof frame === 'string' ? frame : { b64: Buffer.from(frame).toString('base64') };
}

function fromWire(frame: unknown): string | Uint8Array | undefined {
  if (typeof frame === 'string') return frame;
  const b64 = (frame as { b64?: unknown } | null)?.b64;
  return typeof b64 === 'string' ? new Uint8Array(Buffer.from(b64, 'base64')) : undefined;
}

const RECEIVE_OUTCOMES: readonly unknown[] = Object.freeze([
  'ok',
  'duplicate',
  'gap',
  'unknown',
  'unauthorized',
]);

function isReceiveResult(v: unknown): v is ReceiveResult {
  if (typeof v !== 'object' || v === null) return false;
  const { outcome, expectedSeq } = v as Record<string, unknown>;
  return (
    RECEIVE_OUTCOMES.includes(outcome) &&
    (expectedSeq === undefined ||
      (Number.isSafeInteger(expectedSeq) && (expectedSeq as number) > 0))
  );
}

/**
 * Hands frames for a connection of another instance to its owner (a request on its control
 * channel, the credential digest with them); answers what the owner did: `unknown` when nobody
 * listens on the owner's channel (the instance is gone, and its connections with it),
 * `no_answer` when it did not answer within `commandTimeoutMs`. Never rejects.
 */
export async function receive(
  r: Remote,
  target: RemoteConnection,
  request: ReceiveRequest,
): Promise<ReceiveResult> {
  const a = await r.control.request(target.instanceId, 'receive', {
    connectionId: target.connectionId,
    credential: request.credential,
    seq: request.seq,
    frames: request.frames.map(toWire),
  });
  if (!a.answered) return { outcome: a.gone === true ? 'unknown' : 'no_answer' };
  return isReceiveResult(a.result) ? a.result : { outcome: 'no_answer' };
}

function receiveArgs(args: Readonly<Record<string, unknown>>): ReceiveRequest & {
  readonly connectionId: ConnectionId;
} {
  const { connectionId, credential, seq, frames } = args;
  const decoded = Array.isArray(frames) ? frames.map(fromWire) : undefined;
  if (
    typeof connectionId !== 'string' ||
    typeof credential !== 'string' ||
    !Number.isSafeInteger(seq) ||
    (seq as number) < 1 ||
    decoded === undefined ||
    decoded.some((f) => f === undefined)
  )
    throw new Error('receive: bad arguments');
  return {
    connectionId: connectionId as ConnectionId,
    credential,
    seq: seq as number,
    frames: decoded as (string | Uint8Array)[],
  };
}

/** Serves the cluster operations of other instances, where this core supports them. */
export function serveRemote(control: Control, ctx: ClusterContext): void {
  const closeUserLocal = ctx.closeUserLocal;
  if (closeUserLocal !== undefined) {
    control.serve('disconnect-user', (args) => {
      const { userId, code, reason } = args;
      if (typeof userId !== 'string' || !isBackendCloseCode(code) || typeof reason !== 'string')
        throw new Error('disconnect-user: bad arguments');
      return closeUserLocal(userId as UserId, { code, reason });
    });
  }
  const sendLocal = ctx.sendLocal;
  if (sendLocal !== undefined) {
    control.serve('send-to-connection', (args) => {
      const { connectionId, frame } = args;
      if (typeof connectionId !== 'string' || !isFrame(frame))
        throw new Error('send-to-connection: bad arguments');
      return sendLocal(connectionId as ConnectionId, frame);
    });
  }
  const receiveLocal = ctx.receiveLocal;
  if (receiveLocal !== undefined) {
    control.serve('receive', (args) => {
      const { connectionId, ...request } = receiveArgs(args);
      return receiveLocal(connectionId, request);
    });
  }
}
