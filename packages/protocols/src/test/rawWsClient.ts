/** A raw WebSocket client over TCP that writes hand-built (masked) client frames. */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { parseHead, upgradeHeaders, writeRequest } from './rawHttp.js';

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
