import { Buffer } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import packageJson from '../../package.json' with { type: 'json' };
import { frameMessage } from './frame.js';
import { rawSocketOf, senderIdle } from './rawWrite.js';
import { createWsAdapter } from './wsSocket.js';

const require = createRequire(import.meta.url);
/** The package `ws` resolves to in this vitest project (`ws-oldest` in `protocols-ws-oldest`). */
const wsPackage = process.env.WS_PACKAGE ?? 'ws';
const wsVersion = (require(`${wsPackage}/package.json`) as { version: string }).version;

function parseVersion(v: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = v.split('.').map(Number);
  return [major, minor, patch];
}

function atLeast(v: string, min: string): boolean {
  const a = parseVersion(v);
  const b = parseVersion(min);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe(`ws version under test (${wsPackage} ${wsVersion})`, () => {
  it('the ws loaded is the one this project means, inside the peer range', () => {
    expect(WebSocket).toBe(require(wsPackage));
    const range = packageJson.peerDependencies.ws;
    const [, lower] = /^>=(\d+\.\d+\.\d+) <9$/.exec(range) ?? [];
    expect(lower).toBeDefined();
    expect(atLeast(wsVersion, lower!)).toBe(true);
    expect(parseVersion(wsVersion)[0]).toBe(8);
    // The oldest project runs the lower bound itself: raise both together.
    if (wsPackage === 'ws-oldest') expect(wsVersion).toBe(lower);
  });
});

describe(`raw write path on ws ${wsVersion}`, () => {
  let server: WebSocketServer | undefined;
  let client: WebSocket | undefined;
  afterEach(async () => {
    client?.terminate();
    if (server !== undefined) await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    client = undefined;
  });

  /** An open server socket (no extension) and the texts its client receives. */
  async function open(): Promise<{ ws: WebSocket; received: string[] }> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise<void>((r) => server?.once('listening', () => r()));
    const accepted = new Promise<WebSocket>((r) => server?.once('connection', r));
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (d: Buffer) => received.push(d.toString('utf8')));
    await new Promise<void>((r) => client?.once('open', () => r()));
    return { ws: await accepted, received };
  }

  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  }

  it('finds the private fields in the verified shape and takes the raw path (ws.send unused)', async () => {
    const { ws, received } = await open();
    const raw = rawSocketOf(ws);
    expect(raw).toBeDefined();
    expect(senderIdle(ws)).toBe(true);
    const writes = vi.spyOn(raw!, 'write');
    const sends = vi.spyOn(ws, 'send');
    const socket = createWsAdapter().wrap(ws, { pauseUntilListening: false });
    socket.send('one');
    socket.sendPrepared?.(socket.prepare?.('two'));
    await new Promise<void>((r) => process.nextTick(r));
    expect(sends).not.toHaveBeenCalled();
    expect(writes).toHaveBeenCalledTimes(1);
    expect(writes.mock.calls[0]?.[0]).toEqual(
      Buffer.concat([frameMessage('one'), frameMessage('two')]),
    );
    await until(() => received.length === 2);
    expect(received).toEqual(['one', 'two']);
  });

  it('falls back to ws.send when the sender is not in the verified shape (no _queue)', async () => {
    const { ws, received } = await open();
    delete (ws as unknown as { _sender: { _queue?: unknown } })._sender._queue;
    expect(senderIdle(ws)).toBe(false);
    const sends = vi.spyOn(ws, 'send');
    const socket = createWsAdapter().wrap(ws, { pauseUntilListening: false });
    socket.send('one');
    socket.sendPrepared?.(socket.prepare?.('two'));
    await new Promise<void>((r) => process.nextTick(r));
    expect(sends.mock.calls.map((c) => c[0])).toEqual(['one', 'two']);
    await until(() => received.length === 2);
    // Each message once: the adapter wrote nothing of its own beside ws.send.
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toEqual(['one', 'two']);
  });
});

describe('raw write fallback when ws private fields are missing', () => {
  /** A stand-in with `ws`'s public surface only, plus the private fields given. */
  function fakeWs(internals: Record<string, unknown>): {
    ws: WebSocket;
    send: ReturnType<typeof vi.fn>;
  } {
    const send = vi.fn();
    const fake = {
      protocol: '',
      binaryType: 'nodebuffer',
      readyState: 1,
      extensions: '',
      isPaused: false,
      bufferedAmount: 0,
      on: vi.fn(),
      pause: vi.fn(),
      resume: vi.fn(),
      send,
      ...internals,
    };
    return { ws: fake as unknown as WebSocket, send };
  }

  const rawWrite = (): { write: ReturnType<typeof vi.fn> } & Record<string, unknown> => ({
    destroyed: false,
    writable: true,
    write: vi.fn(),
    cork: vi.fn(),
    uncork: vi.fn(),
  });

  it('reads nothing it does not recognise', () => {
    const none = fakeWs({}).ws;
    expect(rawSocketOf(none)).toBeUndefined();
    expect(rawSocketOf(fakeWs({ _socket: null }).ws)).toBeUndefined();
    expect(rawSocketOf(fakeWs({ _socket: {} }).ws)).toBeUndefined();
    expect(senderIdle(none)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: {} }).ws)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: { _state: 1, _queue: [] } }).ws)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: { _state: '0', _queue: [] } }).ws)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: { _state: 0, _queue: {} } }).ws)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: { _state: 0, _queue: [1] } }).ws)).toBe(false);
    expect(senderIdle(fakeWs({ _sender: { _state: 0, _queue: [] } }).ws)).toBe(true);
  });

  it.each([
    ['no _socket and no _sender', {}],
    ['no _socket', { _sender: { _state: 0, _queue: [] } }],
    [
      'a _socket without write',
      { _socket: { writable: true }, _sender: { _state: 0, _queue: [] } },
    ],
    ['no _sender', { _socket: rawWrite() }],
    ['a busy _sender', { _socket: rawWrite(), _sender: { _state: 2, _queue: [] } }],
    ['a _sender without _state', { _socket: rawWrite(), _sender: { _queue: [] } }],
  ])('with %s the adapter sends through ws.send', async (_name, internals) => {
    const { ws, send } = fakeWs(internals);
    const socket = createWsAdapter().wrap(ws);
    socket.send('text');
    const bytes = new Uint8Array([1, 2, 3]);
    socket.sendPrepared?.(socket.prepare?.(bytes));
    await new Promise<void>((r) => process.nextTick(r));
    expect(send.mock.calls).toEqual([
      ['text', { binary: false }],
      [bytes, { binary: true }],
    ]);
    const raw = (internals as { _socket?: { write?: unknown } })._socket;
    if (raw !== undefined && vi.isMockFunction(raw.write)) expect(raw.write).not.toHaveBeenCalled();
    expect(socket.bufferedAmount).toBe(0);
  });
});
