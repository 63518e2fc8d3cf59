import type { WireErrorCode } from './errors.js';
import type { ClientFrame, RequestId } from './frames.js';
import { isThreadId, isUserId } from './ids.js';
import { isOffset } from './offsets.js';

/** The outcome of checking a decoded value against the wire protocol's client frames. */
export type FrameCheck =
  | { readonly ok: true; readonly frame: ClientFrame }
  | {
      readonly ok: false;
      readonly code: Extract<WireErrorCode, 'bad_request' | 'unknown_type'>;
      readonly message: string;
      readonly id?: RequestId;
    };

type Fields = Record<string, unknown>;
type Check = (f: Fields) => string | undefined;

const MAX_REQUEST_ID = 64;

function threadField(f: Fields): string | undefined {
  return isThreadId(f['thread'])
    ? undefined
    : '"thread" must be 1-128 characters of A-Za-z0-9 : _ - . @';
}

/** The largest `refresh` token, in UTF-8 bytes. */
export const MAX_REFRESH_TOKEN_BYTES = 4096;

function tokenField(f: Fields): string | undefined {
  const token = f['token'];
  const bad = `"token" must be a string of 1-${MAX_REFRESH_TOKEN_BYTES} bytes`;
  if (typeof token !== 'string' || token.length === 0) return bad;
  // Cheap bound first: a string of more than 4096 UTF-16 units is over 4096 UTF-8 bytes.
  if (token.length > MAX_REFRESH_TOKEN_BYTES) return bad;
  return new TextEncoder().encode(token).length > MAX_REFRESH_TOKEN_BYTES ? bad : undefined;
}

function joinFields(f: Fields): string | undefined {
  const watch = f['presence'];
  if (watch !== undefined && typeof watch !== 'boolean') return '"presence" must be a boolean';
  return threadField(f);
}

/** The largest presence `cursor`, in characters. */
const MAX_CURSOR = 512;

function presenceFields(f: Fields): string | undefined {
  const { cursor, limit } = f;
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length > MAX_CURSOR)) {
    return `"cursor" must be a string of at most ${MAX_CURSOR} characters`;
  }
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= 1000)
  ) {
    return '"limit" must be an integer from 1 to 1000';
  }
  return threadField(f);
}

function dataField(f: Fields): string | undefined {
  return Object.prototype.hasOwnProperty.call(f, 'data') ? undefined : '"data" is required';
}

/** A frame checker: `check(value)` tells whether a decoded value is a well-formed client frame. */
export interface FrameValidator {
  check(value: unknown): FrameCheck;
}

/**
 * Creates the shape check of client frames. Unknown types are found by a `Map` lookup, so
 * `"__proto__"`, `"constructor"` and `"toString"` are simply unknown.
 */
export function createFrameValidator(): FrameValidator {
  const checks = new Map<string, Check>([
    ['join', joinFields],
    ['leave', threadField],
    ['publish', (f) => threadField(f) ?? dataField(f)],
    [
      'direct',
      (f) => (isUserId(f['to']) ? dataField(f) : '"to" must be a user id (1-256 characters)'),
    ],
    [
      'resume',
      (f) =>
        threadField(f) ??
        (isOffset(f['offset']) ? undefined : '"offset" must be an offset string like "1-0"'),
    ],
    ['refresh', tokenField],
    ['presence', presenceFields],
    ['ping', () => undefined],
    ['pong', () => undefined],
  ]);

  return {
    check(value: unknown): FrameCheck {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, code: 'bad_request', message: 'a frame must be an object' };
      }
      const fields = value as Fields;
      const rawId = fields['id'];
      let id: RequestId | undefined;
      if (rawId !== undefined) {
        const idOk =
          (typeof rawId === 'string' && rawId.length <= MAX_REQUEST_ID) ||
          (typeof rawId === 'number' && Number.isFinite(rawId));
        if (!idOk) {
          return {
            ok: false,
            code: 'bad_request',
            message: `"id" must be a string of at most ${MAX_REQUEST_ID} characters or a finite number`,
          };
        }
        id = rawId;
      }
      const type = fields['type'];
      if (typeof type !== 'string') {
        return withId({ ok: false, code: 'bad_request', message: '"type" must be a string' }, id);
      }
      const check = checks.get(type);
      if (check === undefined) {
        return withId(
          { ok: false, code: 'unknown_type', message: `unknown frame type "${type.slice(0, 32)}"` },
          id,
        );
      }
      const problem = check(fields);
      if (problem !== undefined) {
        return withId({ ok: false, code: 'bad_request', message: problem }, id);
      }
      return { ok: true, frame: value as ClientFrame };
    },
  };
}

function withId(check: Extract<FrameCheck, { ok: false }>, id: RequestId | undefined): FrameCheck {
  return id === undefined ? check : { ...check, id };
}
