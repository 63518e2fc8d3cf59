import { describe, expect, it } from 'vitest';
import { negotiateSubprotocol, parseProtocolHeader, supportedSubprotocols } from './negotiate.js';

describe('subprotocol negotiation', () => {
  const all = supportedSubprotocols;

  it('parses the header in client order, refusing malformed lists', () => {
    expect(parseProtocolHeader(undefined)).toEqual([]);
    expect(parseProtocolHeader('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(parseProtocolHeader('a,,b')).toBeUndefined();
    expect(parseProtocolHeader('a, a')).toBeUndefined();
    expect(parseProtocolHeader('a b')).toBeUndefined();
    expect(parseProtocolHeader('')).toBeUndefined();
  });

  it('chooses the first supported offer; none offered -> the default, not offered', () => {
    expect(negotiateSubprotocol('x, wsm.v1.msgpack, wsm.v1.json', all, 'wsm.v1.json')).toEqual({
      ok: true,
      subprotocol: 'wsm.v1.msgpack',
      offered: true,
    });
    expect(negotiateSubprotocol(undefined, all, 'legacy.json')).toEqual({
      ok: true,
      subprotocol: 'legacy.json',
      offered: false,
    });
  });

  it('only unknown (or not accepted) offers are refused', () => {
    expect(negotiateSubprotocol('chat', all, 'wsm.v1.json').ok).toBe(false);
    expect(negotiateSubprotocol('legacy.json', ['wsm.v1.json'], 'wsm.v1.json').ok).toBe(false);
    expect(negotiateSubprotocol('wsm.v1.json,,', all, 'wsm.v1.json')).toEqual({
      ok: false,
      reason: 'malformed Sec-WebSocket-Protocol header',
    });
  });
});
