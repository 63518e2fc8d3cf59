import type { ServerResponse } from 'node:http';

/** Headers on every answer: never cached, never sniffed. No CORS: the API is server to server. */
const baseHeaders = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/** Extra response headers. */
export type Headers = Readonly<Record<string, string>>;

/** A JSON answer: its status, the value to serialize and extra headers. */
export interface JsonAnswer {
  readonly status: number;
  readonly value: unknown;
  readonly headers?: Headers | undefined;
}

/** Writes a JSON answer (unless one was already written). */
export function replyJson(res: ServerResponse, answer: JsonAnswer): void {
  if (res.headersSent) return;
  const body = JSON.stringify(answer.value);
  res.writeHead(answer.status, {
    ...baseHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...answer.headers,
  });
  res.end(body);
}

/** An answer that is not a success: its status, stable code and message. */
export class ApiFailure extends Error {
  /** Extra headers of the answer (`Allow`, `Retry-After`). */
  headers: Headers | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The failure with these extra headers on its answer. */
export function withHeaders(failure: ApiFailure, headers: Headers): ApiFailure {
  failure.headers = headers;
  return failure;
}

/** Writes `{"error": {"code", "message"}}` with the failure's status. */
export function replyFailure(res: ServerResponse, f: ApiFailure): void {
  replyJson(res, {
    status: f.status,
    value: { error: { code: f.code, message: f.message } },
    headers: f.headers,
  });
}
