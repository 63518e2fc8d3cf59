import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Manager } from '@ws/core';
import { corsDecision, preflightHeaders } from './cors.js';
import type { HttpEndpoint } from './httpEndpoint.js';
import { createHttpEndpoint } from './httpEndpoint.js';
import type { HttpRoute } from './httpMetrics.js';
import type { HttpTransportOptions } from './httpOptions.js';
import { resolveHttpOptions } from './httpConfig.js';
import { openStream } from './openStream.js';
import type { JsonAnswer } from './postAnswer.js';
import { jsonError } from './postAnswer.js';
import { postFrames } from './postFrames.js';
import { writeJson } from './writeJson.js';

/** A mounted HTTP transport. */
export interface HttpTransport {
  /**
   * Answers a request for one of the transport's routes and returns true, or returns false and
   * leaves the request alone (another handler's). Mount it first on `http`'s `'request'` event,
   * or as an Express / Fastify middleware before any body parser.
   */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The base path (without a trailing slash): the routes are `<path>/sse` and `<path>/sse/<id>`. */
  readonly path: string;
  /** Open streams (accepted or authenticating). */
  streams(): number;
  /** Stops taking streams (503) and closes the open ones with 1001. POSTs are still answered. */
  close(): void;
}

/** The longest connection id the POST route looks up (`<instanceId>-<sequence>`). */
const MAX_ID_LENGTH = 300;

function connectionIdOf(rest: string): string | undefined {
  if (rest === '' || rest.length > MAX_ID_LENGTH || rest.includes('/')) return undefined;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

/** A request of the transport's routes: its route and (once answered) status, for the metrics. */
interface RoutedRequest {
  readonly route: HttpRoute;
  readonly status: Promise<number>;
}

/** Answers one request of the transport's routes; the answered status, for the metrics. */
function route(
  e: HttpEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
): RoutedRequest | undefined {
  const { streamPath, postPrefix } = e.config;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const isStream = pathname === streamPath;
  if (!isStream && !pathname.startsWith(postPrefix)) return undefined;
  const cors = corsDecision(req, e.config);
  const answered = (r: HttpRoute, answer: JsonAnswer): RoutedRequest => {
    writeJson(res, answer, cors.headers);
    return { route: r, status: Promise.resolve(answer.status) };
  };
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') {
    if (!cors.allowed)
      return answered(
        'preflight',
        jsonError(403, { code: 'forbidden', message: 'origin not allowed' }),
      );
    res.writeHead(204, { ...cors.headers, ...preflightHeaders });
    res.end();
    return { route: 'preflight', status: Promise.resolve(204) };
  }
  const allowed = isStream ? 'GET' : 'POST';
  if (method !== allowed) {
    const refusal = jsonError(
      405,
      { code: 'method_not_allowed', message: `use ${allowed}` },
      { headers: { Allow: `${allowed}, OPTIONS` } },
    );
    return answered('other', refusal);
  }
  if (isStream) return { route: 'stream', status: openStream(e, req, { res, cors }) };
  const id = connectionIdOf(pathname.slice(postPrefix.length));
  if (id === undefined)
    return answered(
      'post',
      jsonError(404, { code: 'not_found', message: 'no such open connection' }),
    );
  return { route: 'post', status: postFrames(e, req, { res, cors, id }) };
}

/**
 * The HTTP fallback transport of `manager`: Server-Sent Events down (`GET <path>/sse`), POSTed
 * frame batches up (`POST <path>/sse/<connectionId>`), each stream one more `SocketLike` to core.
 * It keeps no connection table: a POST may reach any instance, and core's `receive` finds the
 * connection's owner (through the cluster adapter) and checks the batch's secret there. Throws
 * `invalid_options` for bad options.
 */
export function httpTransport(manager: Manager, options: HttpTransportOptions): HttpTransport {
  const config = resolveHttpOptions(manager, options);
  const e = createHttpEndpoint(manager, config);
  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const routed = route(e, req, res);
    if (routed === undefined) return false;
    routed.status.then(
      (status) => e.metrics.request(routed.route, status),
      (err: unknown) => {
        config.reportError(err, `http-${routed.route}`);
        e.metrics.request(routed.route, 500);
        if (res.headersSent) res.destroy();
        else writeJson(res, jsonError(500, { code: 'internal', message: 'internal error' }), {});
      },
    );
    return true;
  };
  return {
    handle,
    path: config.path,
    streams: () => e.streams.total(),
    close() {
      e.closed = true;
      for (const socket of [...e.sockets]) socket.close(1001, 'endpoint closed');
    },
  };
}
