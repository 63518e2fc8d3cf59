import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { testManager } from './testSupport.js';
import { encodeResumeToken } from './resumeToken.js';

describe('resume tokens', () => {
  it('encode as base64url without padding, byte for byte as Node does', () => {
    const samples = [
      new Uint8Array(16),
      new Uint8Array(16).fill(255),
      Uint8Array.from({ length: 16 }, (_, i) => i * 17),
      Uint8Array.from([
        0xfb, 0xff, 0xbf, 0x3e, 0x00, 0x01, 0x7f, 0x80, 0xfe, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60,
        0x70,
      ]),
    ];
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array(16);
      globalThis.crypto.getRandomValues(bytes);
      samples.push(bytes);
    }
    for (const bytes of samples) {
      expect(encodeResumeToken(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
    const pool = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256);
    for (const start of [0, 16, 48]) {
      expect(encodeResumeToken(pool, start, start + 16)).toBe(
        Buffer.from(pool.subarray(start, start + 16)).toString('base64url'),
      );
    }
    for (const length of [0, 1, 2, 3, 4, 5]) {
      const bytes = Uint8Array.from({ length }, (_, i) => 250 - i);
      expect(encodeResumeToken(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });

  it('every connection gets a distinct 22-character token (past one draw of random bytes)', async () => {
    const m = testManager();
    const tokens = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const token = (await m.connect(`u${i}`)).welcome().resumeToken;
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      tokens.add(token);
    }
    expect(tokens.size).toBe(300);
    await m.close();
  });
});

describe('connection context', () => {
  it('is a frozen copy of the own enumerable keys, string and symbol, as a spread copies them', async () => {
    const m = testManager();
    const tag = Symbol('tag');
    const hidden = Symbol('hidden');
    const source: Record<PropertyKey, unknown> = JSON.parse(
      '{"__proto__": {"polluted": true}, "role": "admin"}',
    ) as Record<string, unknown>;
    source[tag] = 'tagged';
    Object.defineProperty(source, hidden, { value: 'no', enumerable: false });
    Object.defineProperty(source, 'secret', { value: 'no', enumerable: false });
    let reads = 0;
    Object.defineProperty(source, 'computed', {
      get: () => ++reads,
      enumerable: true,
    });
    const seen: Readonly<Record<string, unknown>>[] = [];
    m.on('connection', (conn) => seen.push(conn.context));
    await m.connect('alice', { context: source });
    const context = seen[0] as Record<PropertyKey, unknown>;
    const spread: Record<PropertyKey, unknown> = { ...source };
    expect(context).not.toBe(source);
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
    expect(Reflect.ownKeys(context)).toEqual(Reflect.ownKeys(spread));
    expect(Object.getOwnPropertyDescriptor(context, '__proto__')?.value).toEqual({
      polluted: true,
    });
    expect(context.polluted).toBeUndefined();
    expect(context.role).toBe('admin');
    expect(context[tag]).toBe('tagged');
    expect(hidden in context).toBe(false);
    expect('secret' in context).toBe(false);
    // A getter is read once into a plain value, as a spread does.
    const computed = Object.getOwnPropertyDescriptor(context, 'computed');
    expect(computed?.get).toBeUndefined();
    expect(typeof computed?.value).toBe('number');
    expect(reads).toBeGreaterThan(0);
    source.role = 'changed';
    expect(context.role).toBe('admin');
    await m.close();
  });

  it('is an empty frozen object without a context', async () => {
    const m = testManager();
    const seen: Readonly<Record<string, unknown>>[] = [];
    m.on('connection', (conn) => seen.push(conn.context));
    await m.connect('alice');
    expect(seen[0]).toEqual({});
    expect(Object.isFrozen(seen[0])).toBe(true);
    await m.close();
  });
});
