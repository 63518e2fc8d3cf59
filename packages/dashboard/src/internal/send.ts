import type { ServerResponse } from 'node:http';
import { baseHeaders } from './baseHeaders.js';

/** Extra response headers, written after (and so over) the base ones. */
export type ExtraHeaders = Readonly<Record<string, string>>;

/** One whole response. */
export interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers?: ExtraHeaders | undefined;
}

/**
 * Writes a whole response with the {@link baseHeaders}, its content type and length. When the
 * headers already went out (a failure mid-stream) it only ends the response.
 */
export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(reply.status, {
    ...baseHeaders,
    'content-type': reply.type,
    'content-length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  res.end(reply.body);
}
