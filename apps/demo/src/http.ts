import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Manager } from '@ws/core';
import type { DashboardHandler } from '@ws/dashboard';
import type { ApiHandler } from '@ws/http-api';
import { isUserName } from './names.js';
import type { TokenService } from './token.js';
import { pageCss, pageHtml } from './web/page.js';

/** What the HTTP routes need. */
export interface RoutesOptions {
  readonly manager: Manager;
  readonly tokens: TokenService;
  readonly dashboard: DashboardHandler;
  /** The HTTP API (`@ws/http-api`), when `API_KEYS` is set; it answers everything under its path. */
  readonly api?: ApiHandler;
  /** The bundled page script. */
  readonly script: string;
  /** Whether the instance is shutting down (then `/readyz` answers 503). */
  readonly isDraining: () => boolean;
  /** Receives a request that failed unexpectedly (answered 500). */
  readonly onError: (err: unknown) => void;
}

/** Largest `/api/login` body read, in bytes. */
const MAX_LOGIN_BODY = 1024;

const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Drained clients move to a peer instance, which may be another host or port, over WebSocket
  // or (where WebSocket is blocked) the HTTP transport's routes.
  "connect-src 'self' ws: wss: http: https:",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A JSON answer: `body` is serialized with `JSON.stringify`. */
interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

function json(res: ServerResponse, reply: JsonReply): void {
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...reply.headers,
  });
  res.end(JSON.stringify(reply.body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop keeping it; the 413 goes out with `connection: close`, which ends the socket.
        req.off('data', onData);
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function login(
  req: IncomingMessage,
  res: ServerResponse,
  tokens: TokenService,
): Promise<void> {
  if (req.method !== 'POST') {
    json(res, { status: 405, body: { error: 'use POST' }, headers: { allow: 'POST' } });
    return;
  }
  const body = await readBody(req, MAX_LOGIN_BODY);
  if (body === null) {
    json(res, { status: 413, body: { error: 'body too large' }, headers: { connection: 'close' } });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    json(res, { status: 400, body: { error: 'body must be JSON: {"user": NAME}' } });
    return;
  }
  const user =
    typeof parsed === 'object' && parsed !== null ? (parsed as { user?: unknown }).user : undefined;
  if (!isUserName(user)) {
    json(res, {
      status: 400,
      body: { error: 'user must be 1-32 characters of a-z, 0-9, _ and -' },
    });
    return;
  }
  json(res, { status: 200, body: { token: tokens.issue(user) } });
}

/**
 * The demo's HTTP routes: the chat page, `/api/login`, `/healthz`, `/readyz`, the dashboard
 * (`/dashboard`, `/metrics`) and, when given, the HTTP API. Returns a Node request listener.
 */
export function createRoutes(
  options: RoutesOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { manager, tokens, dashboard, api, script, isDraining } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (dashboard(req, res)) return;
    if (api?.(req, res) === true) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    switch (path) {
      case '/api/login':
        await login(req, res, tokens);
        return;
      case '/healthz':
        json(res, { status: 200, body: { status: 'ok' } });
        return;
      case '/readyz': {
        const health = await manager.health();
        const ready = !isDraining() && health.state === 'running' && health.status === 'ready';
        json(res, {
          status: ready ? 200 : 503,
          body: {
            status: ready ? 'ready' : 'not ready',
            state: isDraining() ? 'draining' : health.state,
            cluster: health.cluster,
            connections: health.connections,
          },
        });
        return;
      }
      default:
        break;
    }
    if (!get) {
      json(res, { status: 404, body: { error: 'not found' } });
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      res.end(pageHtml);
    } else if (path === '/app.js') {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(script);
    } else if (path === '/app.css') {
      res.writeHead(200, {
        'content-type': 'text/css; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(pageCss);
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      json(res, { status: 404, body: { error: 'not found' } });
    }
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, { status: 500, body: { error: 'internal error' } });
      else res.destroy();
      options.onError(err);
    });
  };
}
