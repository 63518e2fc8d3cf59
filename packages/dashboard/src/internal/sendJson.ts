import type { ServerResponse } from 'node:http';
import type { ExtraHeaders } from './send.js';
import { send } from './send.js';

/** The content type of every JSON answer. */
export const jsonContentType = 'application/json; charset=utf-8';

/** A JSON response: `value` is serialized with `JSON.stringify`. */
export interface JsonReply {
  readonly status: number;
  readonly value: unknown;
  readonly headers?: ExtraHeaders | undefined;
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, reply: JsonReply): void {
  send(res, {
    status: reply.status,
    type: jsonContentType,
    body: JSON.stringify(reply.value),
    headers: reply.headers,
  });
}

/** An error answer: the body is `{ error: { code, message } }`. */
export interface ErrorReply {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: ExtraHeaders | undefined;
}

/** Writes an error answer as JSON. */
export function sendError(res: ServerResponse, reply: ErrorReply): void {
  sendJson(res, {
    status: reply.status,
    value: { error: { code: reply.code, message: reply.message } },
    headers: reply.headers,
  });
}
