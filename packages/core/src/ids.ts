import { WsError } from './errors.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A user's id, decided once at connect from the authenticated request. */
export type UserId = Brand<string, 'UserId'>;
/** A thread (room, channel) id: 1-128 characters of `A-Za-z0-9 : _ - . @`. */
export type ThreadId = Brand<string, 'ThreadId'>;
/** A connection id, unique across instances (it embeds the instance id). */
export type ConnectionId = Brand<string, 'ConnectionId'>;
/** An instance id, unique within a cluster. */
export type InstanceId = Brand<string, 'InstanceId'>;
/** A thread message offset. Opaque: order them only with `compareOffsets`. */
export type Offset = Brand<string, 'Offset'>;

const threadIdPattern = /^[A-Za-z0-9:_\-.@]{1,128}$/;
const MAX_USER_ID = 256;

/** True when `value` is a valid thread id (1-128 characters of `A-Za-z0-9 : _ - . @`). */
export function isThreadId(value: unknown): value is ThreadId {
  return typeof value === 'string' && threadIdPattern.test(value);
}

/** True when `value` is a usable user id: a non-empty string of at most 256 characters. */
export function isUserId(value: unknown): value is UserId {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_USER_ID;
}

/**
 * Brands and validates a thread id; throws `WsError('bad_request')` on a bad one. Keeps a
 * literal's type (`threadId('chat:1')` is `'chat:1' & ThreadId`), so a contract's typed sends
 * can tell which glob it falls under.
 */
export function threadId<const S extends string>(value: S): S & ThreadId {
  if (!isThreadId(value)) {
    throw new WsError('bad_request', 'thread id must be 1-128 characters of A-Za-z0-9 : _ - . @');
  }
  return value;
}

/** Brands and validates a user id; throws `WsError('bad_request')` on a bad one. */
export function userId(value: string): UserId {
  if (!isUserId(value)) {
    throw new WsError('bad_request', `user id must be a string of 1-${MAX_USER_ID} characters`);
  }
  return value;
}

/** Brands a connection id (no validation: ids come from the manager). */
export function connectionId(value: string): ConnectionId {
  return value as ConnectionId;
}
