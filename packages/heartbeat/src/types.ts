import type { ConnectionId, UserId } from '@ws/core';
import type { HeartbeatPreset } from './options.js';

/** The payload of the `heartbeat:timeout` event: a connection declared dead and terminated. */
export interface HeartbeatTimeout {
  readonly connectionId: ConnectionId;
  readonly userId: UserId;
  /** Consecutive pings it missed. */
  readonly missed: number;
  /** When its last pong arrived (ms since epoch), or null if it never answered one. */
  readonly lastPongAt: number | null;
  /** Its last sign of life of any kind (inbound frame or pong), ms since epoch. */
  readonly lastActivityAt: number;
}

/** The payload of the `heartbeat:stall` event: the timer fired late, the event loop was blocked. */
export interface HeartbeatStall {
  /** How late the timer fired, in ms. */
  readonly lagMs: number;
}

/** What `checkConnectionHealth` reports of one connection. */
export interface ConnectionHealth {
  /** True when the connection is registered on this instance and open. */
  readonly connected: boolean;
  /** Connected, no missed ping, and no unanswered ping past its timeout. */
  readonly healthy: boolean;
  /** When its last pong arrived (ms since epoch), or null. */
  readonly lastPongAt: number | null;
  /** Its last measured round-trip time in ms, or null. */
  readonly rttMs: number | null;
  /** Consecutive missed pings. */
  readonly missed: number;
}

/** The heartbeat's figures, as `stats()` reports them. */
export interface HeartbeatStats {
  readonly preset: HeartbeatPreset;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly maxMissed: number;
  /** Period of the one timer (detection resolution), in ms. */
  readonly resolutionMs: number;
  /** Connections tracked now. */
  readonly connections: number;
  readonly pingsSent: number;
  readonly pongsReceived: number;
  readonly timeouts: number;
  /** Event-loop stalls detected. */
  readonly stalls: number;
  /** How late the timer fired last, and at worst, in ms. */
  readonly lastLagMs: number;
  readonly maxLagMs: number;
  /** Mean of the RTT samples of this heartbeat, in ms, or null. */
  readonly rttMeanMs: number | null;
  /** 95th percentile of `ws_heartbeat_rtt_seconds` (bucket estimate), in ms, or null. */
  readonly rttP95Ms: number | null;
}

/** What `manager.use(heartbeat())` returns. */
export interface HeartbeatHandle {
  /**
   * Pings one connection now, outside the schedule (a protocol ping, or `{"type":"ping"}` where
   * the transport has none); its pong gives an RTT sample. False when the connection is not
   * open on this instance or the heartbeat is closed.
   */
  sendPing(connectionId: ConnectionId): boolean;
  /**
   * Records a pong that arrived some other way; core's `pong` events are recorded already.
   * False when the connection is unknown.
   */
  recordPong(connectionId: ConnectionId): boolean;
  /** The connection's health as the heartbeat sees it. */
  checkConnectionHealth(connectionId: ConnectionId): ConnectionHealth;
  /** Counters and figures of this heartbeat. */
  stats(): HeartbeatStats;
}
