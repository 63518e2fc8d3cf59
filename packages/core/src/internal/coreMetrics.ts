import type { CoreMetrics, ManagerState } from './state.js';

/**
 * Registers core's metrics into the manager's registry: `ws_connections`, `ws_users`,
 * `ws_threads` (gauges read from the registry itself), `ws_connections_opened_total`,
 * `ws_connections_closed_total{code}`, `ws_messages_received_total`, `ws_messages_sent_total`,
 * `ws_messages_dropped_total{cause}`, `ws_errors_sent_total{code}`, `ws_violations_total`,
 * `ws_evictions_total`, `ws_send_failures_total{cause}`, `ws_history_reads_total{result}`, `ws_refreshes_total{result}`, `ws_presence_changes_total{kind}`,
 * `ws_presence_diffs_total{form}`, `ws_cluster_operations_total{op,outcome}`.
 */
export function registerCoreMetrics(
  state: Pick<ManagerState, 'metrics' | 'connections' | 'users' | 'threads'>,
): CoreMetrics {
  const { metrics } = state;
  metrics.gauge('ws_connections', {
    help: 'Open connections on this instance.',
    collect: () => state.connections.size,
  });
  metrics.gauge('ws_users', {
    help: 'Distinct users connected to this instance.',
    collect: () => state.users.size,
  });
  metrics.gauge('ws_threads', {
    help: 'Threads with at least one member on this instance.',
    collect: () => state.threads.size,
  });
  return {
    opened: metrics.counter('ws_connections_opened_total', { help: 'Connections registered.' }),
    closed: metrics.counter('ws_connections_closed_total', {
      help: 'Connections ended, by close code.',
      labelNames: ['code'],
    }),
    received: metrics.counter('ws_messages_received_total', { help: 'Inbound messages.' }),
    sent: metrics.counter('ws_messages_sent_total', { help: 'Frames written to sockets.' }),
    dropped: metrics.counter('ws_messages_dropped_total', {
      help: 'Deliveries that did not happen, by cause.',
      labelNames: ['cause'],
    }),
    errorsSent: metrics.counter('ws_errors_sent_total', {
      help: 'Error frames sent, by code.',
      labelNames: ['code'],
    }),
    violations: metrics.counter('ws_violations_total', {
      help: 'Refused inbound frames counted as violations.',
    }),
    evicted: metrics.counter('ws_evictions_total', {
      help: 'Connections evicted by a newer one of the same user.',
    }),
    sendFailures: metrics.counter('ws_send_failures_total', {
      help: 'Sends that failed as a whole, by cause.',
      labelNames: ['cause'],
    }),
    historyReads: metrics.counter('ws_history_reads_total', {
      help: 'manager.history calls, by result (recovered, not_recovered, invalid, unavailable, failed).',
      labelNames: ['result'],
    }),
    refreshes: metrics.counter('ws_refreshes_total', {
      help: 'refresh frames, by result (ok, refused, wrong_user, expired, unsupported, failed).',
      labelNames: ['result'],
    }),
    presenceChanges: metrics.counter('ws_presence_changes_total', {
      help: 'Users who joined or left a thread cluster-wide (kind: join, leave), as this instance learned them.',
      labelNames: ['kind'],
    }),
    presenceDiffs: metrics.counter('ws_presence_diffs_total', {
      help: 'presence_diff frames written to watchers, by form (list, counts, reset).',
      labelNames: ['form'],
    }),
    receives: metrics.counter('ws_receive_total', {
      help: 'Frame batches given to manager.receive (HTTP transports), by where the connection was (local, remote) and outcome (ok, duplicate, gap, unknown, unauthorized, no_answer).',
      labelNames: ['where', 'outcome'],
    }),
    clusterOps: metrics.counter('ws_cluster_operations_total', {
      help: 'Operations on other instances (op: disconnect-user, send-to-connection), by outcome (ok, unavailable, error, not-found, dropped, timeout).',
      labelNames: ['op', 'outcome'],
    }),
  };
}
