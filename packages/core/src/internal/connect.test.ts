import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { testManager } from './testSupport.js';
import { encodeResumeToken } from './connect.js';

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
    for (const length of [0, 1, 2, 3, 4, 5]) {
      const bytes = Uint8Array.from({ length }, (_, i) => 250 - i);
      expect(encodeResumeToken(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });

  it('every connection gets a distinct 22-character token', async () => {
    const m = testManager();
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const token = (await m.connect(`u${i}`)).welcome().resumeToken;
      expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      tokens.add(token);
    }
    expect(tokens.size).toBe(20);
    await m.close();
  });
});
