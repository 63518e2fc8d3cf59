import type { DashboardConfig } from './config.js';
import { configVersion } from './config.js';

/**
 * The built-in configuration: an `overview` dashboard (connections, users, threads, messages/s,
 * heartbeat RTT p50/p99 and timeouts, drops by cause, quality rejects and alerts, closes by code,
 * the instance table) and a `connections` dashboard (this instance's connections, error frames).
 * Widgets of packages that are not installed show "not installed".
 */
export const defaultDashboardConfig: DashboardConfig = Object.freeze({
  version: configVersion,
  defaultDashboard: 'overview',
  dashboards: [
    {
      id: 'overview',
      title: 'Overview',
      widgets: [
        {
          id: 'connections',
          title: 'Connections',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_connections' },
        },
        {
          id: 'users',
          title: 'Users',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_users' },
        },
        {
          id: 'threads',
          title: 'Threads',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_threads' },
        },
        {
          id: 'messages-in-rate',
          title: 'Messages in/s',
          kind: 'number',
          unit: 'per_second',
          source: { type: 'rate', metric: 'ws_messages_received_total', windowMs: 10_000 },
        },
        {
          id: 'messages-out-rate',
          title: 'Messages out/s',
          kind: 'number',
          unit: 'per_second',
          source: { type: 'rate', metric: 'ws_messages_sent_total', windowMs: 10_000 },
        },
        {
          id: 'heartbeat-timeouts',
          title: 'Heartbeat timeouts',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_heartbeat_timeouts_total' },
        },
        {
          id: 'connections-chart',
          title: 'Connections over time',
          kind: 'timeseries',
          source: { type: 'metric', metric: 'ws_connections' },
        },
        {
          id: 'messages-chart',
          title: 'Messages/s',
          kind: 'timeseries',
          unit: 'per_second',
          source: {
            type: 'multi',
            series: [
              {
                label: 'in',
                source: { type: 'rate', metric: 'ws_messages_received_total', windowMs: 10_000 },
              },
              {
                label: 'out',
                source: { type: 'rate', metric: 'ws_messages_sent_total', windowMs: 10_000 },
              },
            ],
          },
        },
        {
          id: 'rtt-chart',
          title: 'Heartbeat RTT p50 / p99',
          kind: 'timeseries',
          unit: 'seconds',
          source: {
            type: 'quantile',
            metric: 'ws_heartbeat_rtt_seconds',
            quantiles: [0.5, 0.99],
            windowMs: 60_000,
          },
        },
        {
          id: 'drops-by-cause',
          title: 'Dropped messages by cause',
          kind: 'bar',
          source: { type: 'sumBy', metric: 'ws_messages_dropped_total', by: 'cause' },
        },
        {
          id: 'quality-rejects',
          title: 'Quality rejects by code',
          kind: 'bar',
          source: { type: 'sumBy', metric: 'ws_quality_rejects_total', by: 'code' },
        },
        {
          id: 'quality-alerts',
          title: 'Quality alerts',
          kind: 'table',
          source: { type: 'sumBy', metric: 'ws_quality_alerts_total', by: 'alert' },
        },
        {
          id: 'closes-by-code',
          title: 'Closed connections by code',
          kind: 'table',
          source: { type: 'sumBy', metric: 'ws_connections_closed_total', by: 'code' },
        },
        { id: 'instances', title: 'Instances', kind: 'table', source: { type: 'instances' } },
      ],
    },
    {
      id: 'connections',
      title: 'Connections',
      widgets: [
        {
          id: 'connection-list',
          title: 'Connections on this instance',
          kind: 'table',
          source: { type: 'connections', limit: 100 },
        },
        {
          id: 'errors-by-code',
          title: 'Error frames sent by code',
          kind: 'bar',
          source: { type: 'sumBy', metric: 'ws_errors_sent_total', by: 'code' },
        },
        {
          id: 'send-failures',
          title: 'Send failures by cause',
          kind: 'bar',
          source: { type: 'sumBy', metric: 'ws_send_failures_total', by: 'cause' },
        },
        {
          id: 'evictions',
          title: 'Evictions',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_evictions_total' },
        },
        {
          id: 'violations',
          title: 'Violations',
          kind: 'number',
          source: { type: 'metric', metric: 'ws_violations_total' },
        },
      ],
    },
  ],
} as const satisfies DashboardConfig);
