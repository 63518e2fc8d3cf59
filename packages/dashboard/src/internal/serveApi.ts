import { authenticate } from './auth.js';
import { onlyGet } from './onlyGet.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { sendError, sendJson } from './sendJson.js';
import { serveConfig } from './serveConfig.js';
import { refuse } from './signIn.js';

/**
 * `<path>/api/...` (`sub` is the path below the page's): `config` (see {@link serveConfig}),
 * `dashboards` (the list), `dashboards/<id>` (one dashboard's data), `widgets/<id>` (one
 * widget's). A percent-encoding error throws `URIError`.
 */
export async function serveApi(ctx: RouteContext, ex: Exchange, sub: string): Promise<void> {
  const { req, res, method } = ex;
  const { dashboard } = ctx;
  const how = authenticate(req, ctx.settings, true);
  if (how === undefined) return refuse(ctx, res, false);
  const parts = sub
    .slice('/api/'.length)
    .split('/')
    .map((p) => decodeURIComponent(p));
  if (parts[0] === 'config' && parts.length === 1) {
    if (method !== 'GET' && method !== 'PATCH' && method !== 'PUT') {
      return sendError(res, {
        status: 405,
        code: 'bad_request',
        message: 'GET, PATCH or PUT',
        headers: { allow: 'GET, PATCH, PUT' },
      });
    }
    return serveConfig(ctx, ex, how);
  }
  if (!onlyGet(ex)) return;
  if (parts[0] === 'dashboards' && parts.length === 1) {
    const config = dashboard.getConfig();
    const dashboards = config.dashboards.map((x) => ({ id: x.id, title: x.title }));
    return sendJson(res, {
      status: 200,
      value: {
        revision: dashboard.revision,
        defaultDashboard: config.defaultDashboard ?? config.dashboards[0]?.id,
        dashboards,
      },
    });
  }
  if (parts[0] === 'dashboards' && parts.length === 2)
    return sendJson(res, { status: 200, value: await dashboard.getDashboardData(parts[1]) });
  if (parts[0] === 'widgets' && parts.length === 2)
    return sendJson(res, {
      status: 200,
      value: await dashboard.getWidgetData(parts[1] as string),
    });
  return sendError(res, { status: 404, code: 'not_found', message: 'no such route' });
}
