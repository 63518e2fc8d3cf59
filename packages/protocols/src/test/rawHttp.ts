/** Raw HTTP over TCP: hand-built upgrade requests and the server's response head. */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect } from 'node:net';

/** The response head of a raw HTTP request. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Standard handshake headers of a valid upgrade request. */
export function upgradeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    Host: 'localhost',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
}

/** Writes an HTTP/1.1 request head (no body). */
export function writeRequest(
  socket: Socket,
  method: string,
  path: string,
  headers: Record<string, string>,
): void {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
}

/** Parses a response head: the status and the headers, names lowercased. */
export function parseHead(text: string): { status: number; headers: Record<string, string> } {
  const [statusLine, ...rest] = text.split('\r\n');
  const status = Number((statusLine ?? '').split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of rest) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers };
}

/**
 * Sends a raw upgrade request and resolves with the server's response (a refusal: status,
 * headers, body once the server closes; a 101: as soon as its head arrives, socket destroyed).
 */
export function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  timeoutMs = 5000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms: ${JSON.stringify(data)}`));
    }, timeoutMs);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const end = data.indexOf('\r\n\r\n');
      const head = parseHead(end < 0 ? data : data.slice(0, end));
      resolve({ ...head, body: end < 0 ? '' : data.slice(end + 4) });
    };
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(parseHead(data.slice(0, end)).headers['content-length'] ?? 'NaN');
      if (
        data.startsWith('HTTP/1.1 101') ||
        (Number.isFinite(length) && data.length - end - 4 >= length)
      ) {
        socket.destroy();
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('connect', () => writeRequest(socket, method, path, headers));
  });
}
