import type { IncomingMessage } from 'node:http';
import { jsonError, type JsonAnswer } from './postAnswer.js';

const tooLarge = (maxBytes: number): JsonAnswer =>
  jsonError(
    413,
    { code: 'too_large', message: `the body is over ${maxBytes} bytes` },
    { headers: { Connection: 'close' } },
  );

/**
 * Reads a POST body of at most `maxBytes` as UTF-8 text: 415 `unsupported_media_type` unless
 * `Content-Type` is `application/json`, 413 `too_large` when `Content-Length` is over the limit
 * (refused before reading) or when the stream passes it (reading stops there; the answer closes
 * the connection).
 */
export async function readPostBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<string | JsonAnswer> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return jsonError(415, {
      code: 'unsupported_media_type',
      message: 'Content-Type must be application/json',
    });
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        resolve(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', () => resolve(jsonError(400, { code: 'bad_request', message: 'aborted' })));
  });
}
