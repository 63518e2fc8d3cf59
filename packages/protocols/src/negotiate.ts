import { subprotocols } from '@ws/core';

/** A subprotocol this package speaks. */
export type Subprotocol = (typeof subprotocols)[keyof typeof subprotocols];

/** Every subprotocol this package speaks, in the server's order of preference. */
export const supportedSubprotocols: readonly Subprotocol[] = Object.freeze([
  subprotocols.json,
  subprotocols.msgpack,
  subprotocols.legacy,
]);

/** True when `name` is a subprotocol this package speaks. */
export function isSubprotocol(name: string): name is Subprotocol {
  return (supportedSubprotocols as readonly string[]).includes(name);
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses a `Sec-WebSocket-Protocol` header into its tokens, in the client's order; undefined when
 * the header is malformed (an empty or non-token entry, or a duplicate), which is a 400.
 */
export function parseProtocolHeader(header: string | undefined): string[] | undefined {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const raw of header.split(',')) {
    const name = raw.trim();
    if (!token.test(name) || out.includes(name)) return undefined;
    out.push(name);
  }
  return out;
}

/** The result of {@link negotiateSubprotocol}. */
export type Negotiation =
  | { readonly ok: true; readonly subprotocol: Subprotocol; readonly offered: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Chooses the connection's subprotocol: the first one the client offers that is also `accepted`;
 * none offered -> `defaultSubprotocol` (`offered: false`: the 101 then carries no protocol header,
 * as RFC 6455 requires); only unknown ones, or a malformed header -> refused (HTTP 400, never a
 * 101 without a protocol).
 */
export function negotiateSubprotocol(
  header: string | undefined,
  accepted: readonly Subprotocol[],
  defaultSubprotocol: Subprotocol,
): Negotiation {
  const offered = parseProtocolHeader(header);
  if (offered === undefined)
    return { ok: false, reason: 'malformed Sec-WebSocket-Protocol header' };
  if (offered.length === 0) return { ok: true, subprotocol: defaultSubprotocol, offered: false };
  for (const name of offered) {
    if (isSubprotocol(name) && accepted.includes(name))
      return { ok: true, subprotocol: name, offered: true };
  }
  return {
    ok: false,
    reason: `no supported subprotocol offered (supported: ${accepted.join(', ')})`,
  };
}
