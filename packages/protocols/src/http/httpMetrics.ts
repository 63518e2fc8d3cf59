import type { MetricsRegistry } from '@ws/core';

/** The routes of the HTTP transport, a bounded label set. */
export type HttpRoute = 'stream' | 'post' | 'preflight' | 'other';

/** The statuses the transport answers, a bounded label set (anything else counts as `other`). */
const statuses: readonly number[] = Object.freeze([
  200, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503,
]);

/** What the HTTP transport counts in the manager's registry. */
export interface HttpMetrics {
  /** One answered request: `ws_http_requests_total{route,status}`. */
  request(route: HttpRoute, status: number): void;
  /** A stream the manager accepted: `ws_http_connections_opened_total`, `ws_http_streams` up. */
  opened(): void;
  /** An accepted stream ended: `ws_http_streams` down. */
  closed(): void;
  /** Frames of a POST handed to `manager.receive`: `ws_http_frames_received_total`. */
  frames(count: number): void;
}

/**
 * Registers the transport's metrics (shared by every transport on one manager: the registry
 * returns an existing metric of the same name and kind).
 */
export function createHttpMetrics(metrics: MetricsRegistry): HttpMetrics {
  const requests = metrics.counter('ws_http_requests_total', {
    help: 'HTTP transport requests answered, by route and status.',
    labelNames: ['route', 'status'],
  });
  const opened = metrics.counter('ws_http_connections_opened_total', {
    help: 'HTTP transport streams the manager accepted.',
  });
  const streams = metrics.gauge('ws_http_streams', { help: 'Open HTTP transport streams.' });
  const frames = metrics.counter('ws_http_frames_received_total', {
    help: 'Client frames received in HTTP transport POSTs (handed to manager.receive).',
  });
  return {
    request: (route, status) =>
      requests.inc(1, { route, status: statuses.includes(status) ? String(status) : 'other' }),
    opened() {
      opened.inc();
      streams.inc();
    },
    closed: () => streams.dec(),
    frames: (count) => frames.inc(count),
  };
}
