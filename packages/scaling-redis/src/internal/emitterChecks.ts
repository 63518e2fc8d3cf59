import type { OptionKeys, ServerFrame, ThreadId, UserId } from '@ws/core';
import {
  CloseCode,
  WsError,
  checkOptionKeys,
  threadId as toThreadId,
  toWireData,
  toWsError,
  userId as toUserId,
} from '@ws/core';
import type { EmitterTarget, ResolvedEmitterOptions } from '../emitterOptions.js';
import { isBackendCloseCode } from './backendClose.js';
import { encodeFrame } from './envelope.js';

/** A thread id checked with core's grammar (`WsError('bad_request')` otherwise). */
export function checkThread(value: unknown): ThreadId {
  if (typeof value !== 'string') throw new WsError('bad_request', 'thread id must be a string');
  return toThreadId(value);
}

/** A user id checked as core checks it (`WsError('bad_request')` otherwise). */
export function checkUser(value: unknown): UserId {
  if (typeof value !== 'string') throw new WsError('bad_request', 'user id must be a string');
  return toUserId(value);
}

/** The data made wire-ready with core's `toWireData` (`WsError('unserializable')` otherwise). */
export function checkData(data: unknown): unknown {
  const wire = toWireData(data);
  if (!wire.ok) throw wire.error;
  return wire.value;
}

/** Runs the application's `validate` hook; what it throws becomes a `WsError`. */
export async function runValidate(
  o: ResolvedEmitterOptions,
  target: EmitterTarget,
  data: unknown,
): Promise<void> {
  if (o.validate === undefined) return;
  try {
    await o.validate(target, data);
  } catch (err) {
    throw toWsError(err, 'invalid_message');
  }
}

/** The frame's channel text (`encodeFrame`), refused over `maxMessageBytes` (`too_large`). */
export function encodeChecked(o: ResolvedEmitterOptions, frame: ServerFrame): string {
  const json = encodeFrame(frame);
  // JSON text is at most 3 bytes per UTF-16 unit: only a long one needs the exact count.
  const bytes = json.length * 3 <= o.maxMessageBytes ? json.length : Buffer.byteLength(json);
  if (bytes > o.maxMessageBytes)
    throw new WsError(
      'too_large',
      `message is ${bytes} bytes of JSON, over maxMessageBytes (${o.maxMessageBytes})`,
    );
  return json;
}

/** Options of `emitter.disconnectUser`. */
export interface EmitterDisconnectOptions {
  /**
   * The close code: 4000-4099 (the client may reconnect) or 4103 (revoked: do not reconnect).
   * @default 4103
   */
  readonly code?: number;
  /**
   * The close reason, at most 123 bytes of UTF-8.
   * @default 'revoked'
   */
  readonly reason?: string;
}

const disconnectOptionKeys = {
  code: true,
  reason: true,
} as const satisfies OptionKeys<EmitterDisconnectOptions>;

/** A disconnect's code and reason, checked as core checks a cluster-wide one. */
export function checkClose(o: EmitterDisconnectOptions = {}): { code: number; reason: string } {
  if (typeof o !== 'object' || o === null)
    throw new WsError('invalid_options', 'disconnectUser options must be an object');
  checkOptionKeys<EmitterDisconnectOptions>(o, disconnectOptionKeys, 'disconnectUser options');
  const code = o.code ?? CloseCode.revoked;
  if (!isBackendCloseCode(code))
    throw new WsError('invalid_options', 'a backend disconnect uses code 4000-4099 or 4103');
  const reason = o.reason ?? 'revoked';
  // A close reason is at most 123 bytes of UTF-8 (RFC 6455).
  if (typeof reason !== 'string' || Buffer.byteLength(reason) > 123)
    throw new WsError('invalid_options', 'reason must be a string of at most 123 bytes');
  return { code, reason };
}
