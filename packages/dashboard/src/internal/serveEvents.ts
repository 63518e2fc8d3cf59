import { authenticate } from './auth.js';
import { baseHeaders } from './baseHeaders.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { sendError } from './sendJson.js';
import { refuse } from './signIn.js';

/**
 * `GET <path>/events`: a server-sent event stream of one dashboard's data (`?dashboard=<id>`),
 * 503 with `Retry-After` past `maxStreams`.
 */
export function serveEvents(ctx: RouteContext, ex: Exchange): void {
  const { req, res, url } = ex;
  const { maxStreams, updateIntervalMs } = ctx.settings;
  if (authenticate(req, ctx.settings, true) === undefined) return refuse(ctx, res, false);
  if (ctx.streams.size >= maxStreams) {
    sendError(res, {
      status: 503,
      code: 'unavailable',
      message: 'too many dashboard streams',
      headers: { 'retry-after': '10' },
    });
    return;
  }
  res.writeHead(200, {
    ...baseHeaders,
    'content-type': 'text/event-stream; charset=utf-8',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${Math.max(1000, updateIntervalMs)}\n\n`);
  ctx.streams.add(url.searchParams.get('dashboard') ?? undefined, res);
}
