import type { DashboardData } from '../widgetData.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { pageScript } from './pageScript.js';
import { pageStyle } from './pageStyle.js';

/** What the page is rendered from. */
export interface PageInput {
  readonly appTitle: string;
  readonly data: DashboardData;
  /** Same-origin URL of the event stream. */
  readonly eventsUrl: string;
  /** The CSP nonce of this response. */
  readonly nonce: string;
}

/**
 * The self-contained dashboard page: inline CSS and JS (allowed by a per-response CSP nonce), the
 * first data embedded as escaped JSON, everything else rendered by the script with DOM APIs.
 */
export function renderPage(input: PageInput): string {
  const nonce = escapeHtml(input.nonce);
  const title = `${escapeHtml(input.data.title)} &ndash; ${escapeHtml(input.appTitle)}`;
  const boot = jsonForScript({
    appTitle: input.appTitle,
    data: input.data,
    eventsUrl: input.eventsUrl,
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${title}</title>
<style nonce="${nonce}">${pageStyle}</style>
</head>
<body>
<header>
<h1 id="title">${escapeHtml(input.data.title)}</h1>
<nav id="nav" aria-label="Dashboards"></nav>
<span id="status" role="status">connecting&hellip;</span>
</header>
<main id="widgets"></main>
<script type="application/json" id="ws-boot" nonce="${nonce}">${boot}</script>
<script nonce="${nonce}">${pageScript}</script>
</body>
</html>
`;
}

/** The page shown with a 401: how to sign in, without echoing anything from the request. */
export function renderSignIn(appTitle: string, path: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${escapeHtml(appTitle)}: sign in</title></head>
<body>
<h1>${escapeHtml(appTitle)}</h1>
<p>An admin token is required. Open <code>${escapeHtml(path)}?token=&lt;your admin token&gt;</code> once:
the token is exchanged for an HttpOnly cookie and removed from the address bar.</p>
</body>
</html>
`;
}
