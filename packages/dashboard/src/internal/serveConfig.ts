import type { IncomingMessage } from 'node:http';
import { WsError } from '@ws/core';
import type { AuthMethod } from './auth.js';
import { readBody } from './readBody.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { send } from './send.js';
import { jsonContentType, sendError, sendJson } from './sendJson.js';

function parsePatch(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new WsError('bad_request', 'the patch is not valid JSON');
  }
}

/** The revision an `If-Match` header names (quotes allowed), or `undefined` without one. */
function expectedRevision(req: IncomingMessage): number | undefined {
  const ifMatch = req.headers['if-match'];
  const expected = typeof ifMatch === 'string' ? Number(ifMatch.replace(/"/g, '')) : undefined;
  if (expected !== undefined && !Number.isInteger(expected))
    throw new WsError('bad_request', 'If-Match must be a config revision');
  return expected;
}

/**
 * `<path>/api/config`: `GET` exports the configuration (its revision in `X-Config-Revision`);
 * `PUT` replaces it, `PATCH` merges a patch (`If-Match: <revision>` optional), both only with
 * the `Authorization` header (never the cookie alone) and only when config writes are on.
 */
export async function serveConfig(ctx: RouteContext, ex: Exchange, how: AuthMethod): Promise<void> {
  const { req, res } = ex;
  const { dashboard } = ctx;
  if (req.method === 'GET') {
    send(res, {
      status: 200,
      type: jsonContentType,
      body: dashboard.exportConfig(),
      headers: { 'x-config-revision': String(dashboard.revision) },
    });
    return;
  }
  if (!ctx.settings.allowWrites) {
    sendError(res, {
      status: 405,
      code: 'forbidden',
      message: 'config writes are off',
      headers: { allow: 'GET' },
    });
    return;
  }
  if (how !== 'bearer')
    throw new WsError('forbidden', 'config changes need the Authorization: Bearer header');
  const body = await readBody(req, ctx.settings.maxBodyBytes);
  if (req.method === 'PUT') {
    dashboard.importConfig(typeof body === 'string' ? body : (body as never));
  } else {
    const patch = parsePatch(body);
    const expected = expectedRevision(req);
    dashboard.updateDashboardConfig(
      patch as never,
      expected === undefined ? {} : { expectedRevision: expected },
    );
  }
  sendJson(res, {
    status: 200,
    value: { revision: dashboard.revision, config: dashboard.getConfig() },
  });
}
