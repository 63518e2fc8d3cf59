import { WsError } from './errors.js';
import type { ManagerOptions, ResolvedLimits } from './options.js';
import { managerDefaults } from './options.js';
import { presenceDefaults } from './presenceOptions.js';

function positive(name: string, value: number, allowZero = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw new WsError(
      'invalid_options',
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`,
    );
  }
  return value;
}

function presenceEnabled(value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new WsError('invalid_options', 'presence.enabled must be a boolean');
  }
  return value;
}

/** Validates options and fills in defaults; throws `WsError('invalid_options')`. */
export function resolveLimits(o: ManagerOptions): ResolvedLimits {
  const d = managerDefaults;
  const policy = o.onUserLimit ?? d.onUserLimit;
  if (policy !== 'reject' && policy !== 'evict-oldest') {
    throw new WsError('invalid_options', `onUserLimit must be 'reject' or 'evict-oldest'`);
  }
  const slow = o.slowConsumer ?? d.slowConsumer;
  if (slow !== 'drop' && slow !== 'close') {
    throw new WsError('invalid_options', `slowConsumer must be 'drop' or 'close'`);
  }
  const rate = o.inboundRate ?? d.inboundRate;
  const drain = { ...d.drain, ...o.drain };
  const presence = { ...presenceDefaults, ...o.presence };
  return {
    maxConnectionsPerUser: positive(
      'maxConnectionsPerUser',
      o.maxConnectionsPerUser ?? d.maxConnectionsPerUser,
    ),
    onUserLimit: policy,
    maxConnections: positive('maxConnections', o.maxConnections ?? d.maxConnections),
    maxThreadsPerConnection: positive(
      'maxThreadsPerConnection',
      o.maxThreadsPerConnection ?? d.maxThreadsPerConnection,
    ),
    maxMessageBytes: positive('maxMessageBytes', o.maxMessageBytes ?? d.maxMessageBytes),
    maxBufferedBytes: positive('maxBufferedBytes', o.maxBufferedBytes ?? d.maxBufferedBytes),
    slowConsumer: slow,
    maxViolations: positive('maxViolations', o.maxViolations ?? d.maxViolations),
    idleTimeoutMs: positive('idleTimeoutMs', o.idleTimeoutMs ?? d.idleTimeoutMs),
    inboundRate: {
      perSecond: positive('inboundRate.perSecond', rate.perSecond),
      burst: positive('inboundRate.burst', rate.burst),
    },
    sessionTtlMs: positive('sessionTtlMs', o.sessionTtlMs ?? d.sessionTtlMs),
    sweepIntervalMs: positive('sweepIntervalMs', o.sweepIntervalMs ?? d.sweepIntervalMs),
    drain: {
      ratePerSecond: positive('drain.ratePerSecond', drain.ratePerSecond),
      spreadMs: positive('drain.spreadMs', drain.spreadMs, true),
      timeoutMs: positive('drain.timeoutMs', drain.timeoutMs, true),
    },
    presence: {
      enabled: presenceEnabled(presence.enabled),
      diffIntervalMs: positive('presence.diffIntervalMs', presence.diffIntervalMs),
      fullListMax: positive('presence.fullListMax', presence.fullListMax),
    },
  };
}
