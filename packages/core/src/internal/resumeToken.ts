import type { ManagerState } from './state.js';

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `bytes[start..end)` as base64url without padding (16 bytes: 22 characters), as one flat string. */
export function encodeResumeToken(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const codes: number[] = [];
  for (let i = start; i < end; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = i + 1 < end ? (bytes[i + 1] as number) : 0;
    const b2 = i + 2 < end ? (bytes[i + 2] as number) : 0;
    codes.push(base64url.charCodeAt(b0 >> 2), base64url.charCodeAt(((b0 & 3) << 4) | (b1 >> 4)));
    if (i + 1 < end) codes.push(base64url.charCodeAt(((b1 & 15) << 2) | (b2 >> 6)));
    if (i + 2 < end) codes.push(base64url.charCodeAt(b2 & 63));
  }
  return String.fromCharCode(...codes);
}

/** Resume tokens drawn per `getRandomValues` call (a call costs about as much as 15 encodings). */
const tokensPerDraw = 256;

/** 128 random bits, base64url, from the manager's pool of random bytes (used bytes are zeroed). */
export function newResumeToken(state: ManagerState): string {
  let pool = state.tokenBytes;
  if (pool === undefined) {
    pool = { bytes: new Uint8Array(16 * tokensPerDraw), next: 16 * tokensPerDraw };
    state.tokenBytes = pool;
  }
  if (pool.next >= pool.bytes.length) {
    globalThis.crypto.getRandomValues(pool.bytes);
    pool.next = 0;
  }
  const start = pool.next;
  pool.next = start + 16;
  const token = encodeResumeToken(pool.bytes, start, start + 16);
  pool.bytes.fill(0, start, start + 16);
  return token;
}
