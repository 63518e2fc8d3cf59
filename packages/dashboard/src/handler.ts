import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Manager, PluginContext } from '@ws/core';
import { WsError } from '@ws/core';
import type { Dashboard } from './dashboard.js';
import { dashboardPlugin } from './dashboard.js';
import type { DashboardHandlerOptions } from './handlerOptions.js';
import { fail } from './internal/fail.js';
import { handlerSettings } from './internal/handlerSettings.js';
import { route } from './internal/route.js';
import type { RouteContext } from './internal/routeContext.js';
import { createStreams } from './internal/streams.js';

/**
 * A Node request handler: `(req, res, next?)`. It answers its own paths and returns true; for
 * any other path it calls `next()` (when given) and returns false. Use it with
 * `http.createServer`, as Express middleware, or from a Fastify route (see the README).
 */
export interface DashboardHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): boolean;
  /** The dashboard it serves. */
  readonly dashboard: Dashboard;
  /** Event streams open now. */
  readonly streams: number;
  /** Ends every event stream (and the dashboard, when the handler created it). */
  close(): void;
}

/** The request's URL when it is one of the handler's paths (metrics, the page and below). */
function ownUrl(ctx: RouteContext, req: IncomingMessage): URL | undefined {
  const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let url: URL;
  try {
    url = new URL(raw, 'http://localhost');
  } catch {
    return undefined;
  }
  const { metricsPath, base } = ctx.settings;
  const ours =
    url.pathname === metricsPath || url.pathname === base || url.pathname.startsWith(`${base}/`);
  return ours ? url : undefined;
}

/**
 * Serves the live dashboard page, its JSON API and event stream under `path`, and `/metrics` in
 * the Prometheus text format, all behind the admin token (401 without it). Creates a dashboard
 * over `manager` unless `options.dashboard` is given. Never logs the token. An unknown option key
 * (`auth`'s included) throws `WsError('invalid_options')` naming it, before anything is registered.
 */
export function dashboardHandler(
  manager: Manager,
  options: DashboardHandlerOptions,
): DashboardHandler {
  const settings = handlerSettings(options);
  const plugin = manager.use<PluginContext>({ name: 'dashboard-http', setup: (c) => c });
  const ownDashboard = options.dashboard === undefined;
  const dashboard = options.dashboard ?? manager.use(dashboardPlugin(options));
  const streamGauge = plugin.metrics.gauge('ws_dashboard_streams', {
    help: 'Open dashboard event streams.',
  });
  const unauthorized = plugin.metrics.counter('ws_dashboard_unauthorized_total', {
    help: 'Dashboard and /metrics requests refused for a missing or wrong admin token.',
  });
  const onError = (err: unknown, stage: string): void => {
    plugin.onError(err, { stage });
  };
  const streams = createStreams({
    dashboard,
    clock: plugin.clock,
    intervalMs: settings.updateIntervalMs,
    maxStreams: settings.maxStreams,
    onError,
    onCountChange: (delta) => {
      streamGauge.inc(delta);
    },
  });
  const ctx: RouteContext = { settings, manager, dashboard, streams, unauthorized, onError };
  const stopListening = dashboard.onConfigChange(() => {
    streams.push().catch((err: unknown) => {
      onError(err, 'stream-push');
    });
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    stopListening();
    streams.close();
    if (ownDashboard) dashboard.close();
  };
  plugin.onClose(close);

  const handler = (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (err?: unknown) => void,
  ): boolean => {
    const url = ownUrl(ctx, req);
    if (url === undefined) {
      next?.();
      return false;
    }
    route(ctx, { req, res, url, method: req.method ?? 'GET' }).catch((err: unknown) => {
      const error = err instanceof URIError ? new WsError('bad_request', 'bad URL encoding') : err;
      fail(res, error, onError);
    });
    return true;
  };

  Object.defineProperties(handler, {
    dashboard: { value: dashboard, enumerable: true },
    streams: { get: () => streams.size, enumerable: true },
    close: { value: close, enumerable: true },
  });
  return handler as DashboardHandler;
}
