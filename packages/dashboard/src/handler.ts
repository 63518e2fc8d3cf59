import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Manager, PluginContext } from '@ws/core';
import { WsError, toWsError } from '@ws/core';
import type { Dashboard } from './dashboard.js';
import { createDashboard } from './dashboard.js';
import type { DashboardHandlerOptions } from './handlerOptions.js';
import { dashboardHandlerDefaults } from './handlerOptions.js';
import { authenticate, cookieName, isSecure, safeEqual, sessionValue } from './internal/auth.js';
import { readBody } from './internal/body.js';
import { renderPage, renderSignIn } from './internal/page.js';
import { createStreams } from './internal/streams.js';
import { prometheusContentType, renderPrometheus } from './prometheus.js';

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

const baseHeaders = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
});

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    ...baseHeaders,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers?: Readonly<Record<string, string>>,
): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

function errorStatus(code: string): number {
  switch (code) {
    case 'invalid_config':
    case 'unsupported_version':
    case 'bad_request':
      return 400;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    default:
      return 500;
  }
}

function normalizePath(path: string, name: string): string {
  if (!/^\/[A-Za-z0-9_.~\-/]*$/.test(path))
    throw new WsError('invalid_options', `${name} must be an absolute URL path`);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') throw new WsError('invalid_options', `${name} must not be "/"`);
  return trimmed;
}

function nonNegativeInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new WsError('invalid_options', `${name} must be an integer >= ${min}`);
  return value;
}

/**
 * Serves the live dashboard page, its JSON API and event stream under `path`, and `/metrics` in
 * the Prometheus text format, all behind the admin token (401 without it). Creates a dashboard
 * over `manager` unless `options.dashboard` is given. Never logs the token.
 */
export function dashboardHandler(
  manager: Manager,
  options: DashboardHandlerOptions,
): DashboardHandler {
  const token = options.auth?.token;
  if (typeof token !== 'string' || token.length < 16) {
    throw new WsError(
      'invalid_options',
      'dashboardHandler: auth.token must be a string of at least 16 characters',
    );
  }
  const d = dashboardHandlerDefaults;
  const base = normalizePath(options.path ?? d.path, 'path');
  const metricsOption = options.metricsPath === undefined ? d.metricsPath : options.metricsPath;
  const metricsPath =
    metricsOption === null ? undefined : normalizePath(metricsOption, 'metricsPath');
  const metricsRequireToken = options.metricsRequireToken ?? d.metricsRequireToken;
  const updateIntervalMs = nonNegativeInt(
    options.updateIntervalMs ?? d.updateIntervalMs,
    'updateIntervalMs',
    50,
  );
  const maxStreams = nonNegativeInt(options.maxStreams ?? d.maxStreams, 'maxStreams', 0);
  const cookieMaxAge = nonNegativeInt(
    options.cookieMaxAgeSeconds ?? d.cookieMaxAgeSeconds,
    'cookieMaxAgeSeconds',
    1,
  );
  const allowWrites = options.allowConfigWrites ?? d.allowConfigWrites;
  const maxBodyBytes = nonNegativeInt(options.maxBodyBytes ?? d.maxBodyBytes, 'maxBodyBytes', 1);
  const appTitle = options.title ?? d.title;
  const session = sessionValue(token);

  const ctx = manager.use<PluginContext>({ name: 'dashboard-http', setup: (c) => c });
  const ownDashboard = options.dashboard === undefined;
  const dashboard = options.dashboard ?? createDashboard(manager, options);
  const streamGauge = ctx.metrics.gauge('ws_dashboard_streams', {
    help: 'Open dashboard event streams.',
  });
  const unauthorized = ctx.metrics.counter('ws_dashboard_unauthorized_total', {
    help: 'Dashboard and /metrics requests refused for a missing or wrong admin token.',
  });
  const streams = createStreams({
    dashboard,
    clock: ctx.clock,
    intervalMs: updateIntervalMs,
    maxStreams,
    onError: (err, stage) => {
      ctx.onError(err, { stage });
    },
    onCountChange: (delta) => {
      streamGauge.inc(delta);
    },
  });
  const stopListening = dashboard.onConfigChange(() => {
    streams.push().catch((err: unknown) => {
      ctx.onError(err, { stage: 'stream-push' });
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
  ctx.onClose(close);

  const refuse = (res: ServerResponse, html: boolean): void => {
    unauthorized.inc();
    const headers = { 'www-authenticate': 'Bearer realm="ws-dashboard"' };
    if (html) send(res, 401, 'text/html; charset=utf-8', renderSignIn(appTitle, base), headers);
    else
      sendJson(
        res,
        401,
        { error: { code: 'unauthorized', message: 'admin token required' } },
        headers,
      );
  };

  const fail = (res: ServerResponse, err: unknown): void => {
    const error = toWsError(err);
    const status = errorStatus(error.code);
    if (status === 500) {
      ctx.onError(error, { stage: 'http' });
      sendJson(res, 500, { error: { code: 'internal_error', message: 'internal error' } });
      return;
    }
    const issues = (error as { issues?: unknown }).issues;
    sendJson(res, status, {
      error: {
        code: error.code,
        message: error.message,
        ...(issues === undefined ? {} : { issues }),
      },
    });
  };

  const servePage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) {
      if (!safeEqual(queryToken, token)) return refuse(res, true);
      url.searchParams.delete('token');
      const rest = url.searchParams.toString();
      const secure = isSecure(req) ? '; Secure' : '';
      res.writeHead(303, {
        ...baseHeaders,
        location: `${url.pathname}${rest === '' ? '' : `?${rest}`}`,
        'set-cookie': `${cookieName}=${session}; Path=${base}; HttpOnly; SameSite=Lax; Max-Age=${cookieMaxAge}${secure}`,
        'content-length': 0,
      });
      res.end();
      return;
    }
    if (authenticate(req, token, session, true) === undefined) return refuse(res, true);
    const id = url.searchParams.get('dashboard') ?? undefined;
    const data = await dashboard.getDashboardData(id);
    const nonce = randomBytes(16).toString('base64');
    const eventsUrl = `${base}/events${id === undefined ? '' : `?dashboard=${encodeURIComponent(id)}`}`;
    send(res, 200, 'text/html; charset=utf-8', renderPage({ appTitle, data, eventsUrl, nonce }), {
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
  };

  const serveEvents = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (authenticate(req, token, session, true) === undefined) return refuse(res, false);
    if (streams.size >= maxStreams) {
      sendJson(
        res,
        503,
        { error: { code: 'unavailable', message: 'too many dashboard streams' } },
        { 'retry-after': '10' },
      );
      return;
    }
    res.writeHead(200, {
      ...baseHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${Math.max(1000, updateIntervalMs)}\n\n`);
    streams.add(url.searchParams.get('dashboard') ?? undefined, res);
  };

  const serveConfig = async (
    req: IncomingMessage,
    res: ServerResponse,
    how: 'bearer' | 'cookie',
  ): Promise<void> => {
    if (req.method === 'GET') {
      send(res, 200, 'application/json; charset=utf-8', dashboard.exportConfig(), {
        'x-config-revision': String(dashboard.revision),
      });
      return;
    }
    if (!allowWrites) {
      sendJson(
        res,
        405,
        { error: { code: 'forbidden', message: 'config writes are off' } },
        { allow: 'GET' },
      );
      return;
    }
    if (how !== 'bearer')
      throw new WsError('forbidden', 'config changes need the Authorization: Bearer header');
    const body = await readBody(req, maxBodyBytes);
    if (req.method === 'PUT') {
      dashboard.importConfig(typeof body === 'string' ? body : (body as never));
    } else {
      let patch: unknown = body;
      if (typeof body === 'string') {
        try {
          patch = JSON.parse(body) as unknown;
        } catch {
          throw new WsError('bad_request', 'the patch is not valid JSON');
        }
      }
      const ifMatch = req.headers['if-match'];
      const expected = typeof ifMatch === 'string' ? Number(ifMatch.replace(/"/g, '')) : undefined;
      if (expected !== undefined && !Number.isInteger(expected))
        throw new WsError('bad_request', 'If-Match must be a config revision');
      dashboard.updateDashboardConfig(
        patch as never,
        expected === undefined ? {} : { expectedRevision: expected },
      );
    }
    sendJson(res, 200, { revision: dashboard.revision, config: dashboard.getConfig() });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    if (metricsPath !== undefined && url.pathname === metricsPath) {
      if (method !== 'GET' && method !== 'HEAD')
        return sendJson(
          res,
          405,
          { error: { code: 'bad_request', message: 'GET only' } },
          { allow: 'GET, HEAD' },
        );
      if (metricsRequireToken && authenticate(req, token, session, false) === undefined)
        return refuse(res, false);
      return send(res, 200, prometheusContentType, renderPrometheus(manager.metrics.snapshot()));
    }
    const sub = url.pathname.slice(base.length);
    const onlyGet = (): boolean => {
      if (method === 'GET') return true;
      sendJson(res, 405, { error: { code: 'bad_request', message: 'GET only' } }, { allow: 'GET' });
      return false;
    };
    if (sub === '' || sub === '/') {
      if (onlyGet()) await servePage(req, res, url);
      return;
    }
    if (sub === '/events') {
      if (onlyGet()) serveEvents(req, res, url);
      return;
    }
    if (!sub.startsWith('/api/'))
      return sendJson(res, 404, { error: { code: 'not_found', message: 'no such route' } });
    const how = authenticate(req, token, session, true);
    if (how === undefined) return refuse(res, false);
    const parts = sub
      .slice('/api/'.length)
      .split('/')
      .map((p) => decodeURIComponent(p));
    if (parts[0] === 'config' && parts.length === 1) {
      if (method !== 'GET' && method !== 'PATCH' && method !== 'PUT') {
        return sendJson(
          res,
          405,
          { error: { code: 'bad_request', message: 'GET, PATCH or PUT' } },
          { allow: 'GET, PATCH, PUT' },
        );
      }
      return serveConfig(req, res, how);
    }
    if (!onlyGet()) return;
    if (parts[0] === 'dashboards' && parts.length === 1) {
      const config = dashboard.getConfig();
      const dashboards = config.dashboards.map((x) => ({ id: x.id, title: x.title }));
      return sendJson(res, 200, {
        revision: dashboard.revision,
        defaultDashboard: config.defaultDashboard ?? config.dashboards[0]?.id,
        dashboards,
      });
    }
    if (parts[0] === 'dashboards' && parts.length === 2)
      return sendJson(res, 200, await dashboard.getDashboardData(parts[1]));
    if (parts[0] === 'widgets' && parts.length === 2)
      return sendJson(res, 200, await dashboard.getWidgetData(parts[1] as string));
    return sendJson(res, 404, { error: { code: 'not_found', message: 'no such route' } });
  };

  const handler = (
    req: IncomingMessage,
    res: ServerResponse,
    next?: (err?: unknown) => void,
  ): boolean => {
    const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    let url: URL;
    try {
      url = new URL(raw, 'http://localhost');
    } catch {
      next?.();
      return false;
    }
    const ours =
      url.pathname === metricsPath || url.pathname === base || url.pathname.startsWith(`${base}/`);
    if (!ours) {
      next?.();
      return false;
    }
    route(req, res, url).catch((err: unknown) => {
      fail(res, err instanceof URIError ? new WsError('bad_request', 'bad URL encoding') : err);
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
