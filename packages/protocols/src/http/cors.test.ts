import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { corsDecision } from './cors.js';

const req = (headers: Record<string, string>): IncomingMessage =>
  ({ headers }) as unknown as IncomingMessage;

describe('corsDecision', () => {
  const listed = { allowedOrigins: ['https://app.example'], allowMissingOrigin: true } as const;

  it('gives an allowed cross origin its CORS headers, without credentials', () => {
    expect(
      corsDecision(req({ origin: 'https://app.example', host: 'api.example' }), listed),
    ).toEqual({
      allowed: true,
      headers: {
        'Access-Control-Allow-Origin': 'https://app.example',
        Vary: 'Origin',
        'Access-Control-Expose-Headers': 'Retry-After',
      },
    });
  });

  it('refuses an origin not listed, and a missing one when not allowed', () => {
    expect(
      corsDecision(req({ origin: 'https://evil.example', host: 'api.example' }), listed),
    ).toEqual({ allowed: false, headers: {} });
    const strict = { allowedOrigins: undefined, allowMissingOrigin: false };
    expect(corsDecision(req({ host: 'api.example' }), strict).allowed).toBe(false);
  });

  it('passes same-origin and Origin-less requests without CORS headers', () => {
    const same = { allowedOrigins: undefined, allowMissingOrigin: true };
    expect(corsDecision(req({ origin: 'http://api.example', host: 'api.example' }), same)).toEqual({
      allowed: true,
      headers: {},
    });
    expect(corsDecision(req({ host: 'api.example' }), same)).toEqual({
      allowed: true,
      headers: {},
    });
  });
});
