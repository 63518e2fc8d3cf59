import { describe, expect, it } from 'vitest';
import { createTokenService } from './token.js';

describe('login tokens (HMAC-SHA256)', () => {
  it('verifies its own tokens with their expiry', () => {
    const t = createTokenService({ secret: 's1', ttlMs: 60_000, now: () => 1_000_000 });
    expect(t.verify(t.issue('alice'))).toEqual({ userId: 'alice', expiresAt: 1_060_000 });
  });

  it('refuses expired tokens, other secrets, tampering and garbage', () => {
    let now = 1_000_000;
    const t = createTokenService({ secret: 's1', ttlMs: 1000, now: () => now });
    const token = t.issue('alice');
    now += 1000;
    expect(t.verify(token)).toBeNull();
    now = 1_000_000;
    expect(createTokenService({ secret: 's2', now: () => now }).verify(token)).toBeNull();
    const [payload, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'root', e: 9e15 })).toString('base64url');
    expect(t.verify(`${forged}.${sig}`)).toBeNull();
    expect(t.verify(`${payload}.${sig.slice(0, -2)}`)).toBeNull();
    for (const bad of ['', '.', 'abc', `${payload}.`, `.${sig}`, 'x'.repeat(600)])
      expect(t.verify(bad)).toBeNull();
  });

  it('refuses a well-signed payload with an invalid user name', () => {
    const t = createTokenService({ secret: 's1' });
    const good = t.issue('alice');
    expect(t.verify(good)?.userId).toBe('alice');
    expect(t.verify(t.issue('Not Valid'))).toBeNull();
  });
});
