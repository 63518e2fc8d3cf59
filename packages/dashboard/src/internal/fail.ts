import type { ServerResponse } from 'node:http';
import { toWsError } from '@ws/core';
import { sendJson } from './sendJson.js';

/** The HTTP status of a `WsError` code; 500 for any code not listed. */
export function errorStatus(code: string): number {
  switch (code) {
    case 'invalid_config':
    case 'unsupported_version':
    case 'bad_request':
      return 400;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    default:
      return 500;
  }
}

/**
 * Answers a request that threw: a known `WsError` code with its status, code, message and (for
 * a refused config) `issues`; anything else goes to `onError` (stage `http`) and is answered
 * 500 with no detail.
 */
export function fail(
  res: ServerResponse,
  err: unknown,
  onError: (err: unknown, stage: string) => void,
): void {
  const error = toWsError(err);
  const status = errorStatus(error.code);
  if (status === 500) {
    onError(error, 'http');
    sendJson(res, {
      status: 500,
      value: { error: { code: 'internal_error', message: 'internal error' } },
    });
    return;
  }
  const issues = (error as { issues?: unknown }).issues;
  sendJson(res, {
    status,
    value: {
      error: {
        code: error.code,
        message: error.message,
        ...(issues === undefined ? {} : { issues }),
      },
    },
  });
}
