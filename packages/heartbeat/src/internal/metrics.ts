import type { Counter, Histogram, MetricsRegistry } from '@ws/core';

/** The metrics the heartbeat writes, bound once so the hot paths do no lookups. */
export interface HeartbeatMetrics {
  readonly rtt: Histogram;
  readonly pingsSent: Counter;
  readonly pongsReceived: { inc(value?: number): void };
  readonly timeouts: Counter;
  readonly stalls: Counter;
}

/** RTT buckets in seconds: 1 ms to 30 s (the production timeout is 20 s). */
const rttBuckets: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30,
]);

/** Registers the heartbeat's metrics in the manager's registry. */
export function registerHeartbeatMetrics(
  registry: MetricsRegistry,
  lagSeconds: () => number,
): HeartbeatMetrics {
  registry.gauge('ws_heartbeat_event_loop_lag_seconds', {
    help: 'How late the heartbeat timer fired last, in seconds (event-loop lag)',
    collect: lagSeconds,
  });
  return {
    rtt: registry.histogram('ws_heartbeat_rtt_seconds', {
      help: 'Round-trip time from a heartbeat ping to the first pong after it, in seconds',
      buckets: rttBuckets,
    }),
    pingsSent: registry.counter('ws_heartbeat_pings_sent_total', { help: 'Heartbeat pings sent' }),
    pongsReceived: registry
      .counter('ws_heartbeat_pongs_received_total', {
        help: 'Pongs received (protocol and application)',
      })
      .labels({}),
    timeouts: registry.counter('ws_heartbeat_timeouts_total', {
      help: 'Connections terminated because they stopped answering heartbeat pings',
    }),
    stalls: registry.counter('ws_heartbeat_stalls_total', {
      help: 'Event-loop stalls past the threshold; pings outstanding across one get a fresh window',
    }),
  };
}
