import type { ClusterHealth } from '@ws/core';
import type { Shared } from './shared.js';

/** PING probes of both connections, and the health derived from them. */
export interface Probe {
  /** One probe round; never throws. */
  run(): Promise<void>;
  health(): ClusterHealth;
}

/**
 * Creates the probe of one adapter. `listening` says whether this instance's control channel is
 * subscribed on the current subscriber connection: until it is, evictions and requests from peers
 * would be lost, so the instance is not ready (a subscriber can be up while its SUBSCRIBE or
 * sharded SSUBSCRIBE is still on the way, after a start past `startTimeoutMs` or a reconnect).
 */
export function createProbe(s: Shared, listening: () => boolean): Probe {
  let failures = 0;
  let lastError = '';
  let running = false;

  return {
    async run() {
      if (running || s.stopped) return;
      running = true;
      try {
        if (!s.link.cmdReady()) {
          failures = 0;
          return;
        }
        await Promise.all([
          s.link.call('PING'),
          s.link.subReady() ? s.link.pingSubscriber() : Promise.resolve(),
        ]);
        failures = 0;
      } catch (err) {
        failures++;
        lastError = err instanceof Error ? err.message : String(err);
        s.m.commandFailures.inc(1, { op: 'probe' });
        if (s.o.probeFailuresBeforeReconnect > 0 && failures >= s.o.probeFailuresBeforeReconnect) {
          s.ctx.logger.warn('redis not answering: reopening the command connection', { failures });
          failures = 0;
          s.link.resetCommand();
        }
      } finally {
        running = false;
      }
    },
    health() {
      if (!s.link.cmdReady()) return { status: 'down', detail: 'redis unreachable' };
      if (failures > 0) return { status: 'degraded', detail: `redis probe failed: ${lastError}` };
      if (!s.link.subReady())
        return { status: 'degraded', detail: 'redis subscriber reconnecting' };
      if (!listening()) return { status: 'degraded', detail: 'subscribing to the control channel' };
      if (!s.registered) return { status: 'degraded', detail: 'not registered yet' };
      return { status: 'ready' };
    },
  };
}
