import { createHash } from 'node:crypto';
import type { ReceiveResult } from '@ws/core';

/** A JSON answer of the HTTP transport: status, body, extra headers. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What {@link jsonError} may add: fields of the error object, response headers. */
export interface JsonErrorExtra {
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `{"error":{"code","message",...fields}}` with `status`. */
export function jsonError(
  status: number,
  error: { readonly code: string; readonly message: string },
  extra: JsonErrorExtra = {},
): JsonAnswer {
  const body = { error: { code: error.code, message: error.message, ...extra.fields } };
  return extra.headers === undefined ? { status, body } : { status, body, headers: extra.headers };
}

/** The credential core keeps for a postSecret: SHA-256, base64url. */
export function credentialDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** `X-Wsm-Seq` as a positive safe integer, else undefined. */
export function parseSeq(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]*$/.test(value.trim())) return undefined;
  const seq = Number(value.trim());
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/**
 * A POST body as the frame strings core receives: a JSON array of at most `maxFrames` elements,
 * each re-serialized with `JSON.stringify` (bad frames inside it are core's to answer on the
 * stream), else the 400 / 413 answer.
 */
export function parseFrames(body: string, maxFrames: number): string[] | JsonAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return jsonError(400, { code: 'bad_request', message: 'the body is not JSON' });
  }
  if (!Array.isArray(parsed))
    return jsonError(400, { code: 'bad_request', message: 'the body is not a JSON array' });
  if (parsed.length > maxFrames) {
    return jsonError(413, {
      code: 'too_large',
      message: `more than ${maxFrames} frames in one POST`,
    });
  }
  return parsed.map((frame: unknown) => JSON.stringify(frame));
}

/** The HTTP answer of a `manager.receive` result for the batch `seq`. */
export function answerReceive(result: ReceiveResult, seq: number): JsonAnswer {
  switch (result.outcome) {
    case 'ok':
      return { status: 200, body: { ok: true, seq } };
    case 'duplicate':
      return { status: 200, body: { ok: true, seq, duplicate: true } };
    case 'gap':
      return jsonError(
        409,
        { code: 'seq_gap', message: 'a batch before this one is missing' },
        { fields: { expectedSeq: result.expectedSeq } },
      );
    case 'unknown':
      return jsonError(404, { code: 'not_found', message: 'no such open connection' });
    case 'unauthorized':
      return jsonError(401, { code: 'unauthorized', message: 'wrong or missing secret' });
    case 'no_answer':
      return jsonError(
        503,
        { code: 'unavailable', message: 'the owner instance did not answer' },
        { headers: { 'Retry-After': '1' } },
      );
  }
}
