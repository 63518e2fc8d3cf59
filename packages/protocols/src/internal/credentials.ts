import type { IncomingMessage } from 'node:http';

/** What the handshake carries in its URL and headers. */
export interface HandshakeRequestInfo {
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** From `Authorization: Bearer <token>`, else `?token=`. */
  readonly token: string | undefined;
  readonly resumeToken: string | undefined;
  /** From `?v=`, else the `x-client-version` header. */
  readonly clientVersion: string | undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Splits the request URL and reads the credentials of a handshake. */
export function readHandshake(req: IncomingMessage): HandshakeRequestInfo {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const auth = header(req, 'authorization');
  const bearer = auth === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth)?.[1];
  const token = bearer ?? nonEmpty(query.get('token'));
  return {
    pathname,
    query,
    token,
    resumeToken: nonEmpty(query.get('resume')),
    clientVersion: nonEmpty(query.get('v')) ?? nonEmpty(header(req, 'x-client-version')),
  };
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** The first value of a request header. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  return header(req, name);
}
