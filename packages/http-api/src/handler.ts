import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Manager, PluginContext } from '@ws/core';
import type { ApiHandlerOptions } from './options.js';
import { findKey } from './internal/auth.js';
import { keyRateLimit } from './internal/rateLimit.js';
import { ApiFailure, replyFailure, replyJson, withHeaders } from './internal/reply.js';
import type { Answer, Route } from './internal/route.js';
import { apiRoutes } from './internal/routes.js';
import { apiSettings } from './internal/settings.js';

/**
 * A Node request handler: `(req, res, next?)`. It answers every request under its `path` and
 * returns true; for any other path it calls `next()` (when given) and returns false.
 */
export type ApiHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (err?: unknown) => void,
) => boolean;

/** The path under the API's base, or `undefined` when the request is not the API's. */
function ownPath(base: string, req: IncomingMessage): { rest: string; url: URL } | undefined {
  const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let url: URL;
  try {
    url = new URL(raw, 'http://localhost');
  } catch {
    return undefined;
  }
  const p = url.pathname;
  if (p === base) return { rest: '/', url };
  const prefix = base === '/' ? '' : base;
  return p.startsWith(`${prefix}/`) ? { rest: p.slice(prefix.length), url } : undefined;
}

/** True when the request declares a body (a length over 0, or a chunked one). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function decodeParams(match: RegExpExecArray): string[] {
  try {
    return match.slice(1).map((s) => decodeURIComponent(s));
  } catch {
    throw new ApiFailure(400, 'bad_request', 'bad URL encoding');
  }
}

/**
 * Serves the HTTP API over `manager` under `options.path`: publish, send, broadcast, cluster-wide
 * disconnect, user lookup, thread history, cluster stats and its own OpenAPI document, behind bearer keys with scopes and a
 * per-key rate limit. Never logs a key. An unknown option key throws `WsError('invalid_options')`.
 */
export function apiHandler(manager: Manager, options: ApiHandlerOptions): ApiHandler {
  const settings = apiSettings(options);
  const ctx = manager.use<PluginContext>({ name: 'http-api', setup: (c) => c });
  const limiter = keyRateLimit(settings.requestsPerSecond);
  const routes = apiRoutes();
  const report = (err: unknown): void => ctx.onError(err, { stage: 'request' });
  const requests = ctx.metrics.counter('ws_api_requests_total', {
    help: 'HTTP API requests, by route template, status and key name.',
    labelNames: ['route', 'status', 'key'],
  });

  /** Routes the request; fills `labels` (route template, key name) for the metric as it learns them. */
  const dispatch = async (
    req: IncomingMessage,
    at: { rest: string; url: URL },
    labels: { route: string; key: string },
  ): Promise<Answer> => {
    // The key first: without one, nothing is told, not even which routes exist.
    const key = findKey(req, settings.keys);
    if (key === undefined) throw new ApiFailure(401, 'unauthorized', 'a valid API key is needed');
    labels.key = key.name;
    const candidates = routes
      .map((r) => ({ r, m: r.match.exec(at.rest) }))
      .filter((x): x is { r: Route; m: RegExpExecArray } => x.m !== null);
    const hit = candidates.find((x) => x.r.method === (req.method ?? 'GET'));
    const first = hit ?? candidates[0];
    if (first === undefined) throw new ApiFailure(404, 'not_found', 'no such route');
    labels.route = first.r.template;
    if (hit === undefined) {
      const allow = [...new Set(candidates.map((x) => x.r.method))].join(', ');
      throw withHeaders(new ApiFailure(405, 'method_not_allowed', `use ${allow}`), { allow });
    }
    if (!key.scopes.has(hit.r.scope)) {
      throw new ApiFailure(403, 'forbidden', `the key lacks the "${hit.r.scope}" scope`);
    }
    const wait = limiter.take(key.name, ctx.clock.now());
    if (wait > 0) {
      const f = new ApiFailure(429, 'rate_limited', 'too many requests');
      throw withHeaders(f, { 'retry-after': `${wait}` });
    }
    if (manager.state !== 'running') {
      const f = new ApiFailure(503, 'unavailable', `the server is ${manager.state}`);
      throw withHeaders(f, { 'retry-after': '5' });
    }
    const params = decodeParams(hit.m);
    return hit.r.handle({ manager, settings, req, url: at.url, params, report });
  };

  return (req, res, next) => {
    const at = ownPath(settings.base, req);
    if (at === undefined) {
      next?.();
      return false;
    }
    const labels = { route: 'unknown', key: 'none' };
    dispatch(req, at, labels).then(
      (answer) => {
        requests.inc(1, { ...labels, status: `${answer.status}` });
        replyJson(res, answer);
      },
      (err: unknown) => {
        const failure =
          err instanceof ApiFailure ? err : new ApiFailure(500, 'internal_error', 'internal error');
        if (!(err instanceof ApiFailure)) report(err);
        requests.inc(1, { ...labels, status: `${failure.status}` });
        // A body over the limit is not read: the connection closes once the answer is out
        // (`Connection: close` keeps a client's agent from reusing it). Any other unread body
        // is drained so the connection stays usable.
        const cut = failure.status === 413 && hasBody(req) && !req.readableEnded;
        if (cut && !res.headersSent) res.setHeader('connection', 'close');
        replyFailure(res, failure);
        if (cut) res.once('finish', () => req.socket.destroy());
        else if (!req.readableEnded) req.resume();
      },
    );
    return true;
  };
}
