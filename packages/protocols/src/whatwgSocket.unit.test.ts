import { describe, expect, it } from 'vitest';
import type { WhatwgWebSocket } from './whatwgSocket.js';
import { wrapWhatwgSocket } from './whatwgSocket.js';

/** A scripted WHATWG socket: records sends and closes, dispatches events on demand. */
function fakeSocket(): WhatwgWebSocket & {
  target: EventTarget;
  closes: [number | undefined, string | undefined][];
  sent: unknown[];
  state: number;
  deliver(data: unknown): void;
  peerClose(code: number, reason: string): void;
} {
  const target = new EventTarget();
  const fake = {
    target,
    closes: [] as [number | undefined, string | undefined][],
    sent: [] as unknown[],
    state: 1,
    get readyState() {
      return fake.state;
    },
    bufferedAmount: 42,
    protocol: 'wsm.v1.json',
    binaryType: 'blob',
    send(data: unknown) {
      fake.sent.push(data);
    },
    close(code?: number, reason?: string) {
      fake.closes.push([code, reason]);
      fake.state = 2;
    },
    addEventListener: (type: string, l: (e: never) => void) =>
      target.addEventListener(type, l as unknown as (e: Event) => void),
    removeEventListener: (type: string, l: (e: never) => void) =>
      target.removeEventListener(type, l as unknown as (e: Event) => void),
    deliver(data: unknown) {
      target.dispatchEvent(Object.assign(new Event('message'), { data }));
    },
    peerClose(code: number, reason: string) {
      fake.state = 3;
      target.dispatchEvent(Object.assign(new Event('close'), { code, reason }));
    },
  };
  return fake;
}

describe('wrapWhatwgSocket (scripted socket)', () => {
  it('keeps messages that arrive before core listens, in order; binary as Uint8Array', () => {
    const raw = fakeSocket();
    const socket = wrapWhatwgSocket(raw);
    expect(raw.binaryType).toBe('arraybuffer');
    raw.deliver('a');
    raw.deliver(new Uint8Array([1, 2]).buffer);
    raw.deliver(new Uint16Array([1]));
    const got: unknown[] = [];
    socket.onMessage((d) => got.push(d));
    raw.deliver('b');
    expect(got).toEqual(['a', new Uint8Array([1, 2]), new Uint8Array([1, 0]), 'b']);
    expect(socket.bufferedAmount).toBe(42);
  });

  it('too many early messages: closes with 1008 sent as 4158, and reports the close at once', () => {
    const raw = fakeSocket();
    const socket = wrapWhatwgSocket(raw, { maxEarlyMessages: 2 });
    const closed: [number, string][] = [];
    socket.onClose((code, reason) => closed.push([code, reason]));
    for (let i = 0; i < 3; i++) raw.deliver(`m${i}`);
    expect(raw.closes).toEqual([[4158, 'too many messages before the connection was ready']]);
    expect(closed).toEqual([[1008, 'too many messages before the connection was ready']]);
    // The peer's close that follows is not reported twice.
    raw.peerClose(4158, 'x');
    expect(closed).toHaveLength(1);
  });

  it('a message of an unsupported type (Blob) is reported, not forwarded', () => {
    const raw = fakeSocket();
    const errors: unknown[] = [];
    const socket = wrapWhatwgSocket(raw, { onError: (e) => errors.push(e) });
    const got: unknown[] = [];
    socket.onMessage((d) => got.push(d));
    raw.deliver(new Blob(['x']));
    expect(got).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('close is a no-op once closing; a throwing listener goes to onError', () => {
    const raw = fakeSocket();
    const errors: unknown[] = [];
    const socket = wrapWhatwgSocket(raw, { onError: (e) => errors.push(e) });
    socket.onMessage(() => {
      throw new Error('listener bug');
    });
    raw.deliver('x');
    expect(errors).toHaveLength(1);
    socket.close(1012, 'restart');
    socket.close(1000);
    socket.terminate();
    expect(raw.closes).toEqual([[4062, 'restart']]);
  });

  it('removes its listeners after the close', () => {
    const raw = fakeSocket();
    const socket = wrapWhatwgSocket(raw);
    const got: unknown[] = [];
    socket.onMessage((d) => got.push(d));
    raw.peerClose(1000, '');
    raw.deliver('late');
    expect(got).toEqual([]);
  });
});
