import type { IncomingMessage } from 'node:http';
import { WsError } from '@ws/core';

/**
 * A request body: the text, or what a framework already parsed (`req.body` from Express'
 * `express.json()` or Fastify). Refuses more than `maxBytes` with `WsError('too_large')`.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) {
    if (Buffer.isBuffer(parsed)) return Promise.resolve(parsed.toString('utf8'));
    return Promise.resolve(parsed);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        reject(new WsError('too_large', `request body over ${maxBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(new WsError('bad_request', 'request body could not be read', { cause: err }));
    });
  });
}
