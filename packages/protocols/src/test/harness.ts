/**
 * Test harness: a real HTTP server on 127.0.0.1 (port 0) with a real core manager attached, real
 * `ws` clients, and a raw TCP client that writes hand-built (masked) client frames.
 */
import type { Manager, ManagerOptions, ServerFrame } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import type { AttachHandle, AttachOptions } from '../ws/index.js';
import { attach } from '../ws/index.js';

/** Default test authentication: `Bearer good-<user>` or `?token=good-<user>`. */
export function testAuthenticate(
  _req: IncomingMessage,
  token: string | undefined,
): { userId: string } | null {
  return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
}

export interface TestServer {
  readonly server: Server;
  readonly manager: Manager;
  readonly handle: AttachHandle;
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` with the query. */
  url(query?: string, path?: string): string;
  close(): Promise<void>;
}

export async function startServer(
  managerOptions: ManagerOptions = {},
  attachOptions: Partial<AttachOptions> = {},
): Promise<TestServer> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  const manager = createManager({ logger: silentLogger(), ...managerOptions });
  const handle = attach(manager, {
    server,
    authenticate: testAuthenticate,
    logger: silentLogger(),
    ...attachOptions,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    manager,
    handle,
    port,
    url: (query = 'token=good-alice', path = handle.path) =>
      `ws://127.0.0.1:${port}${path}${query ? `?${query}` : ''}`,
    async close() {
      await handle.close();
      await manager.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A `ws` client that records frames (JSON text frames parsed) and its close. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[];
  readonly raw: (string | Buffer)[];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first (or next after `after`) frame of `type`. */
  next<T extends ServerFrame['type']>(
    type: T,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  send(frame: unknown): void;
}

export function connectClient(
  url: string,
  protocols?: string | string[],
  options: ConstructorParameters<typeof WebSocket>[2] = {},
  decode: (data: Buffer, isBinary: boolean) => unknown = (d) => JSON.parse(d.toString('utf8')),
): TestClient {
  const ws = new WebSocket(url, protocols, options);
  const frames: ServerFrame[] = [];
  const raw: (string | Buffer)[] = [];
  const waiters: { type: string; resolve: (f: ServerFrame) => void; seen: number }[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    raw.push(isBinary ? data : data.toString('utf8'));
    let frame: ServerFrame;
    try {
      frame = decode(data, isBinary) as ServerFrame;
    } catch {
      return;
    }
    frames.push(frame);
    for (const w of [...waiters]) {
      if (frame.type === w.type) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  ws.on('error', () => {});
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res: IncomingMessage) =>
      reject(new Error(`HTTP ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    );
  });
  return {
    ws,
    frames,
    raw,
    opened,
    closed,
    next(type, timeoutMs = 5000) {
      const found = frames.find((f) => f.type === type);
      if (found !== undefined && !waiters.some((w) => w.type === type)) {
        frames.splice(frames.indexOf(found), 1);
        return Promise.resolve(found as never);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          type,
          seen: frames.length,
          resolve: (f) => {
            clearTimeout(timer);
            frames.splice(frames.indexOf(f), 1);
            resolve(f as never);
          },
        });
      });
    },
    send(frame) {
      ws.send(JSON.stringify(frame));
    },
  };
}

/** Connects a `ws` client and waits for `welcome`; returns the client and the welcome frame. */
export async function connectWelcomed(
  url: string,
  protocols?: string | string[],
): Promise<{ client: TestClient; welcome: Extract<ServerFrame, { type: 'welcome' }> }> {
  const client = connectClient(url, protocols);
  await client.opened;
  const welcome = await client.next('welcome');
  return { client, welcome };
}

/** Asserts the server still works: a fresh connection upgrades and gets `welcome`. */
export async function expectAlive(srv: TestServer, user = 'zoe'): Promise<void> {
  const { client, welcome } = await connectWelcomed(srv.url(`token=good-${user}`));
  expect(welcome.userId).toBe(user);
  client.ws.close();
  await client.closed;
}

/** A snapshot of Object.prototype, to prove nothing polluted it. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

export function expectPrototypeClean(before: string[]): void {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

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

function writeRequest(
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

function parseHead(text: string): { status: number; headers: Record<string, string> } {
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

/** A raw WebSocket client over TCP: hand-built frames, and the server's frames parsed. */
export interface RawWsClient {
  readonly socket: Socket;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Server frames received: opcode and payload. */
  readonly frames: { opcode: number; payload: Buffer }[];
  /** Writes one client frame (masked unless `mask: false`). */
  sendFrame(
    opcode: number,
    payload: Buffer | string,
    o?: { fin?: boolean; rsv?: number; mask?: boolean },
  ): void;
  /** Writes bytes as they are. */
  write(bytes: Buffer): void;
  /** Resolves with the server's close code (1005 without a code, 1006 with no close frame). */
  closeCode(timeoutMs?: number): Promise<number>;
  /** Resolves with the first text frame parsed as JSON whose type is `type` (any, if undefined). */
  nextJson(type: string | undefined, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Builds one client-to-server frame (masked per RFC 6455 unless told otherwise). */
export function buildFrame(
  opcode: number,
  payload: Buffer,
  o: { fin?: boolean; rsv?: number; mask?: boolean; declaredLength?: number } = {},
): Buffer {
  const fin = o.fin ?? true;
  const masked = o.mask ?? true;
  const len = o.declaredLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65_536) head.push(maskBit | 126, (len >> 8) & 0xff, len & 0xff);
  else {
    head.push(maskBit | 127, 0, 0);
    const big = Buffer.alloc(6);
    big.writeUIntBE(len, 0, 6);
    head.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(head), key, body]);
}

export function rawWsClient(
  port: number,
  path: string,
  extraHeaders: Record<string, string> = {},
): Promise<RawWsClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let handshaken = false;
    let status = 0;
    let headers: Record<string, string> = {};
    let closeCode: number | undefined;
    let ended = false;
    const frames: { opcode: number; payload: Buffer }[] = [];
    const listeners = new Set<() => void>();
    const notify = (): void => {
      for (const l of [...listeners]) l();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw handshake timed out'));
    }, 5000);
    const parseFrames = (): void => {
      for (;;) {
        if (buf.length < 2) return;
        const opcode = (buf[0] as number) & 0x0f;
        let len = (buf[1] as number) & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = buf.readUIntBE(4, 6);
          off = 10;
        }
        if (buf.length < off + len) return;
        const payload = buf.subarray(off, off + len);
        buf = buf.subarray(off + len);
        frames.push({ opcode, payload });
        if (opcode === 8 && closeCode === undefined)
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      }
    };
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!handshaken) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = parseHead(buf.subarray(0, end).toString('latin1'));
        status = head.status;
        headers = head.headers;
        buf = buf.subarray(end + 4);
        handshaken = true;
        clearTimeout(timer);
        if (status !== 101) {
          reject(new Error(`HTTP ${status}`));
          socket.destroy();
          return;
        }
        resolve(client);
      }
      parseFrames();
      notify();
    });
    socket.on('close', () => {
      ended = true;
      notify();
    });
    const client: RawWsClient = {
      socket,
      get status() {
        return status;
      },
      get headers() {
        return headers;
      },
      frames,
      sendFrame(opcode, payload, o = {}) {
        socket.write(
          buildFrame(opcode, typeof payload === 'string' ? Buffer.from(payload) : payload, o),
        );
      },
      write(bytes) {
        socket.write(bytes);
      },
      closeCode(timeoutMs = 5000) {
        return new Promise((res, rej) => {
          const check = (): void => {
            if (closeCode !== undefined || ended) {
              listeners.delete(check);
              clearTimeout(t);
              res(closeCode ?? 1006);
            }
          };
          const t = setTimeout(() => {
            listeners.delete(check);
            rej(new Error('no close within the deadline'));
          }, timeoutMs);
          listeners.add(check);
          check();
        });
      },
      nextJson(type, timeoutMs = 5000) {
        return new Promise((res, rej) => {
          let seen = 0;
          const check = (): void => {
            for (; seen < frames.length; seen++) {
              const f = frames[seen] as { opcode: number; payload: Buffer };
              if (f.opcode !== 1) continue;
              const parsed = JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>;
              if (type === undefined || parsed.type === type) {
                listeners.delete(check);
                clearTimeout(t);
                res(parsed);
                return;
              }
            }
          };
          const t = setTimeout(() => {
            listeners.delete(check);
            rej(new Error(`no ${type} within the deadline`));
          }, timeoutMs);
          listeners.add(check);
          check();
        });
      },
    };
    socket.on('connect', () => writeRequest(socket, 'GET', path, upgradeHeaders(extraHeaders)));
  });
}
