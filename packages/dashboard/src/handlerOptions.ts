import type { OptionKeys } from '@ws/core';
import type { Dashboard } from './dashboard.js';
import type { DashboardOptions } from './options.js';
import { dashboardOptionKeys } from './options.js';

/** Options of `dashboardHandler`. The dashboard options apply when it creates its own dashboard. */
export interface DashboardHandlerOptions extends DashboardOptions {
  /**
   * The admin token. Every route needs it: `Authorization: Bearer <token>`, or in a browser
   * `<path>?token=<token>` once, exchanged for an HttpOnly cookie. At least 16 characters.
   */
  readonly auth: { readonly token: string };
  /**
   * Where the page lives; the JSON API is under `<path>/api/`, the event stream at `<path>/events`.
   * @default '/dashboard'
   */
  readonly path?: string;
  /**
   * How often open pages receive fresh data over server-sent events, in ms.
   * @default 1000
   */
  readonly updateIntervalMs?: number;
  /**
   * Where the Prometheus exposition is served; `null` serves none.
   * @default '/metrics'
   */
  readonly metricsPath?: string | null;
  /**
   * Whether `/metrics` needs the token too (Prometheus: `authorization: { credentials: <token> }`).
   * @default true
   */
  readonly metricsRequireToken?: boolean;
  /**
   * Event streams open at once; more get 503.
   * @default 50
   */
  readonly maxStreams?: number;
  /**
   * Lifetime of the sign-in cookie, in seconds.
   * @default 43200
   */
  readonly cookieMaxAgeSeconds?: number;
  /**
   * Whether `PATCH`/`PUT <path>/api/config` may change the configuration (always with the
   * `Authorization` header, never with the cookie alone).
   * @default true
   */
  readonly allowConfigWrites?: boolean;
  /**
   * Largest request body accepted by the config routes, in bytes.
   * @default 1048576
   */
  readonly maxBodyBytes?: number;
  /**
   * Shown in the page title.
   * @default 'WebSocket manager'
   */
  readonly title?: string;
  /**
   * Serve this dashboard instead of creating one (so the application can also call its API).
   * @default a new dashboard created with these options
   */
  readonly dashboard?: Dashboard;
}

/** Defaults of {@link DashboardHandlerOptions}. */
export const dashboardHandlerDefaults = Object.freeze({
  path: '/dashboard',
  updateIntervalMs: 1000,
  metricsPath: '/metrics',
  metricsRequireToken: true,
  maxStreams: 50,
  cookieMaxAgeSeconds: 43_200,
  allowConfigWrites: true,
  maxBodyBytes: 1_048_576,
  title: 'WebSocket manager',
});

/** The known keys of {@link DashboardHandlerOptions}: the dashboard's, `auth.token` and the handler's own. */
export const dashboardHandlerOptionKeys = {
  ...dashboardOptionKeys,
  auth: { token: true },
  path: true,
  updateIntervalMs: true,
  metricsPath: true,
  metricsRequireToken: true,
  maxStreams: true,
  cookieMaxAgeSeconds: true,
  allowConfigWrites: true,
  maxBodyBytes: true,
  title: true,
  dashboard: true,
} as const satisfies OptionKeys<DashboardHandlerOptions>;
