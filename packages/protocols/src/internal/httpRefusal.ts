import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A plain HTTP answer refusing an upgrade. */
export interface HttpRefusal {
  readonly status: number;
  /** The response body (plain text). */
  readonly reason: string;
  /** Extra response headers (`Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Refuses an upgrade with a plain HTTP response written on the raw socket, then closes it (the
 * response is flushed first; the socket is destroyed once written).
 */
export function writeRefusal(socket: Duplex, refusal: HttpRefusal): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { status, reason } = refusal;
  const all: Record<string, string> = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(reason)),
    ...refusal.headers,
  };
  const head = Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n\r\n${reason}`);
}
