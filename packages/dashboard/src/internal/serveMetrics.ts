import { prometheusContentType, renderPrometheus } from '../prometheus.js';
import { authenticate } from './auth.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { send } from './send.js';
import { sendError } from './sendJson.js';
import { refuse } from './signIn.js';

/**
 * `GET`/`HEAD` of the metrics path: the manager's registry in the Prometheus text format,
 * behind the token (bearer only: Prometheus sends no cookie) unless `metricsRequireToken` is off.
 */
export function serveMetrics(ctx: RouteContext, ex: Exchange): void {
  const { req, res, method } = ex;
  if (method !== 'GET' && method !== 'HEAD')
    return sendError(res, {
      status: 405,
      code: 'bad_request',
      message: 'GET only',
      headers: { allow: 'GET, HEAD' },
    });
  if (ctx.settings.metricsRequireToken && authenticate(req, ctx.settings, false) === undefined)
    return refuse(ctx, res, false);
  send(res, {
    status: 200,
    type: prometheusContentType,
    body: renderPrometheus(ctx.manager.metrics.snapshot()),
  });
}
