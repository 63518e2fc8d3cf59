import type { ServerResponse } from 'node:http';
import { cookieName, isSecure, safeEqual } from './auth.js';
import { baseHeaders } from './baseHeaders.js';
import { renderSignIn } from './page.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { send } from './send.js';
import { sendError } from './sendJson.js';

const challenge = Object.freeze({ 'www-authenticate': 'Bearer realm="ws-dashboard"' });

/**
 * Answers 401 to a request without a valid token, and counts it: the sign-in page when `html`
 * (a browser opening the page), a JSON error otherwise.
 */
export function refuse(ctx: RouteContext, res: ServerResponse, html: boolean): void {
  ctx.unauthorized.inc();
  if (html) {
    const { appTitle, base } = ctx.settings;
    send(res, {
      status: 401,
      type: 'text/html; charset=utf-8',
      body: renderSignIn(appTitle, base),
      headers: challenge,
    });
  } else {
    sendError(res, {
      status: 401,
      code: 'unauthorized',
      message: 'admin token required',
      headers: challenge,
    });
  }
}

/**
 * Exchanges `?token=` for the sign-in cookie (HttpOnly, SameSite=Lax, Secure over TLS, scoped
 * to the page's path): a 303 to the same URL without the token; 401 when the token is wrong.
 */
export function signIn(ctx: RouteContext, ex: Exchange, queryToken: string): void {
  const { res, url } = ex;
  const { token, session, base, cookieMaxAge } = ctx.settings;
  if (!safeEqual(queryToken, token)) return refuse(ctx, res, true);
  url.searchParams.delete('token');
  const rest = url.searchParams.toString();
  const secure = isSecure(ex.req) ? '; Secure' : '';
  res.writeHead(303, {
    ...baseHeaders,
    location: `${url.pathname}${rest === '' ? '' : `?${rest}`}`,
    'set-cookie': `${cookieName}=${session}; Path=${base}; HttpOnly; SameSite=Lax; Max-Age=${cookieMaxAge}${secure}`,
    'content-length': 0,
  });
  res.end();
}
