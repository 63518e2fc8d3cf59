import { onlyGet } from './onlyGet.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { sendError } from './sendJson.js';
import { serveApi } from './serveApi.js';
import { serveEvents } from './serveEvents.js';
import { serveMetrics } from './serveMetrics.js';
import { servePage } from './servePage.js';

/** Answers a request for one of the handler's paths: metrics, the page, its events, its API; else 404. */
export async function route(ctx: RouteContext, ex: Exchange): Promise<void> {
  const { metricsPath, base } = ctx.settings;
  const { pathname } = ex.url;
  if (metricsPath !== undefined && pathname === metricsPath) return serveMetrics(ctx, ex);
  const sub = pathname.slice(base.length);
  if (sub === '' || sub === '/') {
    if (onlyGet(ex)) await servePage(ctx, ex);
    return;
  }
  if (sub === '/events') {
    if (onlyGet(ex)) serveEvents(ctx, ex);
    return;
  }
  if (!sub.startsWith('/api/'))
    return sendError(ex.res, { status: 404, code: 'not_found', message: 'no such route' });
  return serveApi(ctx, ex, sub);
}
