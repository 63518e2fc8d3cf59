import type { SendResult } from '@ws/core';
import { ApiFailure } from './reply.js';

/** The status of a failed send, by its error code: see the README's table. */
function failedStatus(code: string): number {
  switch (code) {
    case 'cluster_error':
      return 502;
    case 'invalid_message':
    case 'unserializable':
      return 422;
    case 'closed':
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

/** Fixed messages for failures whose detail may name infrastructure (kept for `onError`). */
const publicMessage: Readonly<Record<string, string>> = {
  cluster_error: 'the cluster could not be reached',
  closed: 'the manager is closed',
  internal_error: 'internal error',
};

/** A `SendResult` as the API answers it: status 200 when ok, else by its error's code. */
export function sendAnswer(result: SendResult): { status: number; value: unknown } {
  const value: Record<string, unknown> = {
    ok: result.ok,
    delivered: result.delivered,
    published: result.published,
    dropped: result.dropped,
  };
  if (result.offset !== undefined) value.offset = result.offset;
  if (result.ok) return { status: 200, value };
  const code = result.error?.code ?? 'cluster_error';
  const status = failedStatus(code);
  const wire = status === 422 ? 'invalid_message' : status === 503 ? 'unavailable' : code;
  const message =
    publicMessage[code] ?? (status === 500 ? 'internal error' : (result.error?.message ?? ''));
  value.error = { code: status === 500 ? 'internal_error' : wire, message };
  return { status, value };
}

/** A 422 for a payload the API's own check refused. */
export function invalidMessage(message: string): ApiFailure {
  return new ApiFailure(422, 'invalid_message', message);
}
