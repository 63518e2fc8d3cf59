import { randomBytes } from 'node:crypto';
import { authenticate } from './auth.js';
import { pageSecurityPolicy } from './baseHeaders.js';
import { renderPage } from './page.js';
import type { Exchange, RouteContext } from './routeContext.js';
import { send } from './send.js';
import { refuse, signIn } from './signIn.js';

/**
 * `GET <path>`: the live page of one dashboard (`?dashboard=<id>`, else the default), with a
 * fresh CSP nonce; `?token=` signs in first, no token gets the sign-in page.
 */
export async function servePage(ctx: RouteContext, ex: Exchange): Promise<void> {
  const { req, res, url } = ex;
  const queryToken = url.searchParams.get('token');
  if (queryToken !== null) return signIn(ctx, ex, queryToken);
  if (authenticate(req, ctx.settings, true) === undefined) return refuse(ctx, res, true);
  const { appTitle, base } = ctx.settings;
  const id = url.searchParams.get('dashboard') ?? undefined;
  const data = await ctx.dashboard.getDashboardData(id);
  const nonce = randomBytes(16).toString('base64');
  const eventsUrl = `${base}/events${id === undefined ? '' : `?dashboard=${encodeURIComponent(id)}`}`;
  send(res, {
    status: 200,
    type: 'text/html; charset=utf-8',
    body: renderPage({ appTitle, data, eventsUrl, nonce }),
    headers: { 'content-security-policy': pageSecurityPolicy(nonce) },
  });
}
