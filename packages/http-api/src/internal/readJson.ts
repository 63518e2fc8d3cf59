import type { IncomingMessage } from 'node:http';
import { ApiFailure } from './reply.js';

function tooLarge(maxBytes: number): ApiFailure {
  return new ApiFailure(413, 'too_large', `request body over ${maxBytes} bytes`);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiFailure(400, 'bad_request', 'the body is not valid JSON');
  }
}

/**
 * The request's JSON body: what a framework already parsed (`req.body`, refused with 413 when its
 * JSON is over `maxBytes`), or the stream read up to
 * `maxBytes` (a longer body is refused with 413 and not read further; a `content-length` over the
 * limit is refused before reading). A stream a framework consumed without setting `req.body`
 * answers 400 instead of waiting for it.
 */
export function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) {
    if (Buffer.isBuffer(parsed) || typeof parsed === 'string') {
      const text = parsed.toString();
      if (Buffer.byteLength(text) > maxBytes) return Promise.reject(tooLarge(maxBytes));
      return Promise.resolve(parse(text));
    }
    // A framework's parser has its own limit; the manager's holds too, measured as JSON.
    if (Buffer.byteLength(JSON.stringify(parsed) ?? '') > maxBytes) {
      return Promise.reject(tooLarge(maxBytes));
    }
    return Promise.resolve(parsed);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  if (req.readableEnded || req.destroyed) {
    return Promise.reject(new ApiFailure(400, 'bad_request', 'the body was already consumed'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: ApiFailure | undefined): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (err !== undefined) {
        reject(err);
        return;
      }
      try {
        resolve(parse(Buffer.concat(chunks).toString('utf8')));
      } catch (parseErr) {
        reject(parseErr instanceof Error ? parseErr : new Error(String(parseErr)));
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading: the socket is paused and closed once the answer is written.
        req.pause();
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(undefined));
    req.on('error', () => finish(new ApiFailure(400, 'bad_request', 'the body could not be read')));
  });
}
