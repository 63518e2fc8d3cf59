import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import { createManager } from '@ws/core';
import { afterEach, describe, expect, it } from 'vitest';
import { apiHandler } from './handler.js';
import { listen, testKeys } from './test/apiServer.js';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const tenMiB = 10 * 1024 * 1024;

/** The API on a server that records how many bytes it read from each socket, when it closes. */
async function countingServer(): Promise<{ port: number; reads: Promise<number>[] }> {
  const manager = createManager();
  const handler = apiHandler(manager, { keys: [{ name: 'admin', key: testKeys.admin }] });
  const server = createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(418).end();
  });
  const reads: Promise<number>[] = [];
  server.on('connection', (socket: Socket) => {
    reads.push(new Promise((resolve) => socket.once('close', () => resolve(socket.bytesRead))));
  });
  const port = await listen(server);
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
    await manager.close();
  });
  return { port, reads };
}

/**
 * Sends a publish whose body is 10 MiB (with a `content-length`, or chunked without one),
 * writing while the server reads, and answers the status line the server sent.
 */
function sendHuge(port: number, chunked: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const head = [
      'POST /api/publish HTTP/1.1',
      'host: 127.0.0.1',
      `authorization: Bearer ${testKeys.admin}`,
      'content-type: application/json',
      chunked ? 'transfer-encoding: chunked' : `content-length: ${tenMiB}`,
      '',
      '',
    ].join('\r\n');
    const piece = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    let answer = '';
    const pump = (): void => {
      while (sent < tenMiB && !socket.destroyed) {
        const frame = chunked
          ? Buffer.concat([
              Buffer.from(`${piece.length.toString(16)}\r\n`),
              piece,
              Buffer.from('\r\n'),
            ])
          : piece;
        sent += piece.length;
        if (!socket.write(frame)) return;
      }
    };
    socket.on('drain', pump);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
    });
    socket.on('error', () => {}); // the server closes mid-upload: EPIPE or ECONNRESET
    socket.on('close', () => {
      const status = answer.split('\r\n')[0] ?? '';
      if (status === '') reject(new Error('no answer before the connection closed'));
      else resolve(`${status}\n${answer.slice(answer.indexOf('\r\n\r\n') + 4)}`);
    });
    socket.write(head);
    pump();
  });
}

describe('a 10 MiB body', () => {
  for (const chunked of [false, true]) {
    it(`is refused with 413 after reading no more than the limit (${chunked ? 'chunked' : 'content-length'})`, async () => {
      const { port, reads } = await countingServer();
      const answer = await sendHuge(port, chunked);
      expect(answer.split('\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
      expect(JSON.parse(answer.split('\n')[1] ?? '')).toEqual({
        error: { code: 'too_large', message: 'request body over 65536 bytes' },
      });
      const read = await reads[0];
      // The limit (64 KiB, the manager's default maxMessageBytes) plus what one socket read and
      // the HTTP parser hold ahead of the handler: far from the 10 MiB sent.
      expect(read).toBeLessThanOrEqual(65_536 + 256 * 1024);
      expect(read).toBeGreaterThan(0);
    });
  }
});
