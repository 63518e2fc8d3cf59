import type { ThreadId, UserId } from '@ws/core';
import { isThreadId, isUserId } from '@ws/core';
import { ApiFailure } from './reply.js';

function bad(message: string): ApiFailure {
  return new ApiFailure(400, 'bad_request', message);
}

/** The body as an object with only `allowed` fields (else 400 naming the first unknown one). */
export function fieldsOf(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('the body must be a JSON object');
  }
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw bad(`unknown field "${key}"`);
  }
  return body as Record<string, unknown>;
}

/** A required `data` field (any JSON value but `null`-less absence). */
export function dataField(fields: Record<string, unknown>): unknown {
  if (!('data' in fields) || fields.data === undefined) throw bad('missing field "data"');
  return fields.data;
}

/** A thread id (1-128 of `A-Za-z0-9 : _ - . @`). */
export function threadField(value: unknown, field: string): ThreadId {
  if (value === undefined) throw bad(`missing field "${field}"`);
  if (!isThreadId(value)) throw bad(`"${field}" must be 1-128 characters of A-Za-z0-9 : _ - . @`);
  return value;
}

/** A user id (a string of 1-256 characters). */
export function userField(value: unknown, field: string): UserId {
  if (value === undefined) throw bad(`missing field "${field}"`);
  if (!isUserId(value)) throw bad(`"${field}" must be a string of 1-256 characters`);
  return value;
}

/** An optional close code for `/disconnect`: 4000-4099 or 4103. */
export function closeCodeField(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    ((value >= 4000 && value <= 4099) || value === 4103);
  if (!ok) throw bad('"code" must be an integer from 4000 to 4099, or 4103');
  return value;
}

/** An optional close reason: a string of at most 123 bytes (the WebSocket limit). */
export function reasonField(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || Buffer.byteLength(value) > 123) {
    throw bad('"reason" must be a string of at most 123 bytes');
  }
  return value;
}
