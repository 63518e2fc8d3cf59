/**
 * The client on Node 20's own global `WebSocket` (behind `--experimental-websocket`), given no
 * `WebSocket` option: the built bundle runs in a child `node` with the flag, against a real
 * server whose raw TCP sockets the test resets mid-session. The child's client reconnects, the
 * round trip completes, and the child process stays up to report it.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from '@ws/testkit';
import { describe, expect, it } from 'vitest';
import { useBuiltBundle } from '../test/bundle.js';
import { startServer } from '../test/server.js';

const bundleDir = useBuiltBundle();

const childScript = (clientUrl: string): string => `
import { createClient } from ${JSON.stringify(clientUrl)};
const url = process.argv[2];
const states = [];
// The client's timers are unref'd (it never keeps a process alive on its own): this script's
// only other work is the socket, so it holds the process open itself until the round trip.
const keepAlive = setInterval(() => {}, 1_000);
const client = createClient({ url, token: 'good-node', backoff: { minMs: 20, maxMs: 200 } });
for (const e of ['open', 'reconnecting', 'closed']) client.on(e, () => states.push(e));
let opens = 0;
client.on('open', () => {
  opens++;
  process.stdout.write(JSON.stringify({ opened: opens }) + '\\n');
  if (opens === 2) void roundTrip();
});
async function roundTrip() {
  const got = new Promise((resolve) => client.subscribe('room', resolve));
  await client.join('room');
  await client.publish('room', 'after the reset');
  const m = await got;
  client.close();
  clearInterval(keepAlive);
  process.stdout.write(JSON.stringify({ data: m.data, states, native: typeof WebSocket }) + '\\n');
}
setTimeout(() => process.exit(3), 20_000).unref();
`;

describe("Node 20's global WebSocket (--experimental-websocket)", () => {
  it('is used when no WebSocket is given; a connection reset is survived', async () => {
    const s = await startServer();
    const sockets = new Set<Socket>();
    s.http.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const script = path.join(bundleDir(), 'child.mjs');
    writeFileSync(script, childScript(pathToFileURL(path.join(bundleDir(), 'index.js')).href));
    const child = spawn(process.execPath, ['--experimental-websocket', script, s.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const p of parts) if (p !== '') lines.push(JSON.parse(p) as Record<string, unknown>);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await waitFor(() => lines.some((l) => l['opened'] === 1), {
        timeoutMs: 15_000,
        message: () => `first open (stderr: ${stderr})`,
      });
      for (const socket of sockets) socket.resetAndDestroy();
      await waitFor(() => lines.some((l) => 'data' in l), {
        timeoutMs: 15_000,
        message: () =>
          `round trip after the reset (lines: ${JSON.stringify(lines)}, sockets: ${sockets.size}, stderr: ${stderr})`,
      });
      expect(lines.find((l) => 'data' in l)).toEqual({
        data: 'after the reset',
        states: ['open', 'reconnecting', 'open', 'closed'],
        native: 'function',
      });
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/Unhandled|ECONNRESET/);
    } finally {
      child.kill();
      await s.close();
    }
  }, 60_000);
});
