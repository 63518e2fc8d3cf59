import type { ServerResponse } from 'node:http';
import type { JsonAnswer } from './postAnswer.js';

/**
 * Writes a JSON answer with the request's CORS headers; never cached. A response whose headers
 * are already out (it cannot happen on the routes that answer JSON) is destroyed instead.
 */
export function writeJson(
  res: ServerResponse,
  answer: JsonAnswer,
  cors: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
    ...cors,
    ...answer.headers,
  });
  res.end(body);
}
