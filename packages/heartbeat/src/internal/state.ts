import type { Clock, Connection, PluginContext } from '@ws/core';
import type { ResolvedHeartbeatOptions } from '../options.js';
import type { HeartbeatMetrics } from './metrics.js';
import { registerHeartbeatMetrics } from './metrics.js';
import type { TickPlan } from './plan.js';
import { planTicks } from './plan.js';
import type { Ring, RingEntry } from './ring.js';
import { createRing } from './ring.js';

/** The heartbeat's state of one connection (kept in a WeakMap keyed by the connection view). */
export interface ConnState extends RingEntry {
  readonly conn: Connection;
  /** Tick index of the last scheduled ping; -1 before the first. */
  pingTick: number;
  /** Time of the last scheduled ping (relative to `epoch`); undefined before the first. */
  pingSentAt: number | undefined;
  /** A scheduled ping waits for its judgement. */
  pending: boolean;
  /** A pong arrived since the last scheduled ping. */
  ponged: boolean;
  /** Time of the ping whose pong gives the next RTT sample (relative); undefined when none is outstanding. */
  rttFrom: number | undefined;
  /** Time of the last pong (relative); undefined before the first. */
  lastPongAt: number | undefined;
  rttMs: number;
  missed: number;
}

/** The counters behind `stats()`. */
export interface HeartbeatCounts {
  pingsSent: number;
  pongsReceived: number;
  timeouts: number;
  stalls: number;
  rttSum: number;
  rttCount: number;
  lastLagMs: number;
  maxLagMs: number;
}

/** The state of one heartbeat (one manager): every part of the engine takes this object. */
export interface EngineState {
  readonly ctx: PluginContext;
  readonly clock: Clock;
  readonly o: ResolvedHeartbeatOptions;
  readonly plan: TickPlan;
  readonly states: WeakMap<Connection, ConnState>;
  readonly ring: Ring<ConnState>;
  readonly counts: HeartbeatCounts;
  readonly m: HeartbeatMetrics;
  /**
   * Per-connection times are kept relative to the heartbeat's start: small integers (no heap
   * number per field and connection, 48 bytes) where the clock counts whole milliseconds.
   */
  readonly epoch: number;
  tickIndex: number;
  /** The current tick's time, relative to `epoch`. */
  tickRel: number;
  lastTickAt: number;
  /** Pings of ticks before this one are forgiven: a stall was detected at this tick. */
  forgiveBefore: number;
  sentThisTick: number;
  closed: boolean;
}

/** The state of a heartbeat starting now: an empty ring laid out for the options. */
export function createEngineState(ctx: PluginContext, o: ResolvedHeartbeatOptions): EngineState {
  const plan = planTicks(o.intervalMs, o.timeoutMs);
  const counts: HeartbeatCounts = {
    pingsSent: 0,
    pongsReceived: 0,
    timeouts: 0,
    stalls: 0,
    rttSum: 0,
    rttCount: 0,
    lastLagMs: 0,
    maxLagMs: 0,
  };
  const epoch = ctx.clock.now();
  return {
    ctx,
    clock: ctx.clock,
    o,
    plan,
    states: new WeakMap<Connection, ConnState>(),
    ring: createRing<ConnState>(plan.buckets),
    counts,
    m: registerHeartbeatMetrics(ctx.metrics, () => counts.lastLagMs / 1000),
    epoch,
    tickIndex: 0,
    tickRel: 0,
    lastTickAt: epoch,
    forgiveBefore: -1,
    sentThisTick: 0,
    closed: false,
  };
}
