import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readHandshake } from '../internal/credentials.js';
import type { HandshakeConfig, HandshakeState } from './checkHandshake.js';
import { checkAuthenticated, checkHandshake } from './checkHandshake.js';
import { createConnectionCounts } from './ipLimits.js';

const config: HandshakeConfig = {
  retryAfter: '5',
  accepted: ['wsm.v1.json', 'wsm.v1.msgpack'],
  defaultSubprotocol: 'wsm.v1.json',
  allowedOrigins: undefined,
  allowMissingOrigin: true,
};

function request(headers: Record<string, string> = {}, url = '/ws?token=t&resume=r&v=2.1') {
  const req = {
    method: 'GET',
    url,
    headers: {
      host: 'example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      ...headers,
    },
  } as unknown as IncomingMessage;
  return { req, info: readHandshake(req), ip: '10.0.0.1', url };
}

function state(o: { closed?: boolean; open?: number; max?: number; perIp?: number } = {}) {
  const counts = createConnectionCounts({
    maxConnectionsPerIp: o.perIp ?? 0,
    maxHandshakesPerIp: 0,
  });
  const s: HandshakeState = {
    closed: o.closed ?? false,
    manager: {
      state: 'running',
      limits: { maxConnections: o.max ?? 10 } as HandshakeState['manager']['limits'],
      getStats: () =>
        ({ connections: o.open ?? 0 }) as ReturnType<HandshakeState['manager']['getStats']>,
    },
    counts,
  };
  return s;
}

describe('checkHandshake (pure)', () => {
  it('accepts a well-formed handshake with what it carries on', () => {
    expect(
      checkHandshake(request({ 'sec-websocket-protocol': 'wsm.v1.msgpack' }), config, state()),
    ).toEqual({
      ok: true,
      subprotocol: 'wsm.v1.msgpack',
      token: 't',
      resumeToken: 'r',
      clientVersion: '2.1',
    });
  });

  it('answers the refusals in order, Retry-After on 503 and 429 only', () => {
    const malformed = request({ 'sec-websocket-version': '12' });
    expect(checkHandshake(malformed, config, state({ closed: true }))).toMatchObject({
      ok: false,
      status: 503,
      reason: 'endpoint closed',
      headers: { 'Retry-After': '5' },
    });
    expect(checkHandshake(malformed, config, state({ open: 10 }))).toEqual({
      ok: false,
      status: 400,
      reason: 'malformed WebSocket handshake',
      headers: {},
    });
    const evil = request({ origin: 'https://evil.example' });
    expect(checkHandshake(evil, config, state({ open: 10 }))).toMatchObject({
      status: 503,
      reason: 'server full',
    });
    expect(checkHandshake(evil, config, state())).toEqual({
      ok: false,
      status: 403,
      reason: 'origin not allowed',
      headers: {},
    });
    expect(
      checkHandshake(request({ 'sec-websocket-protocol': 'other' }), config, state()),
    ).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('counts handshakes in flight against the per-IP limit and changes no count itself', () => {
    const s = state({ perIp: 1 });
    const r = request();
    expect(checkHandshake(r, config, s).ok).toBe(true);
    expect(s.counts.handshakes.total()).toBe(0);
    s.counts.handshakes.inc(r.ip);
    expect(checkHandshake(r, config, s)).toEqual({
      ok: false,
      status: 429,
      reason: 'too many connections from this address',
      headers: { 'Retry-After': '5' },
    });
    expect(checkHandshake({ ...r, ip: '10.0.0.2' }, config, s).ok).toBe(true);
  });

  it('after authenticate: 503 on timeout, 401 when refused, 503 once closed', () => {
    const auth = { userId: 'alice' };
    expect(checkAuthenticated('timeout', config, state())).toMatchObject({ status: 503 });
    expect(checkAuthenticated(undefined, config, state())).toEqual({
      ok: false,
      status: 401,
      reason: 'authentication failed',
      headers: {},
    });
    expect(checkAuthenticated(auth, config, state({ closed: true }))).toMatchObject({
      status: 503,
      reason: 'endpoint closed',
    });
    expect(checkAuthenticated(auth, config, state())).toEqual({ ok: true, auth });
  });
});
