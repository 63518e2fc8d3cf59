import type { OptionKeys } from '@ws/core';
import { checkOptionKeys, WsError } from '@ws/core';

/** An environment preset: a documented set of figures for `intervalMs`, `timeoutMs` and `maxMissed`. */
export type HeartbeatPreset = 'development' | 'test' | 'staging' | 'production';

/** The figures a preset supplies. */
export interface HeartbeatFigures {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly maxMissed: number;
}

/** Options of {@link heartbeat}. Options given here override the preset's figures one by one. */
export interface HeartbeatOptions {
  /**
   * Which preset supplies the figures not given here (see {@link heartbeatDefaults}.presets).
   * @default NODE_ENV when it names a preset, else 'production'
   */
  readonly preset?: HeartbeatPreset;
  /**
   * How often each connection is pinged, in ms (at least 10).
   * @default the preset's: production 25000, staging 25000, development 30000, test 1000
   */
  readonly intervalMs?: number;
  /**
   * How long after a ping a connection has to show a sign of life (a pong or any inbound frame)
   * before the ping counts as missed, in ms. At least 5 and at most `intervalMs`.
   * @default the preset's: production 20000, staging 20000, development 30000, test 500
   */
  readonly timeoutMs?: number;
  /**
   * Consecutive missed pings after which the connection is declared dead and terminated (1-100).
   * @default the preset's: production 1, staging 1, development 2, test 1
   */
  readonly maxMissed?: number;
}

/** Options with the preset applied and every figure validated. */
export interface ResolvedHeartbeatOptions extends HeartbeatFigures {
  readonly preset: HeartbeatPreset;
}

/**
 * The defaults: the preset used when neither the `preset` option nor `NODE_ENV` names one, and
 * the figures of each preset. Worst-case time from a peer's last sign of life to its
 * termination is about `maxMissed * intervalMs + timeoutMs` (plus one timer resolution step).
 *
 * - `production` (25 s / 20 s / 1): Socket.IO's figures (Centrifugo: 25 s / 8 s); a dead peer
 *   is gone within about 45 s, and a healthy one on a slow mobile link has 20 s to answer.
 * - `staging` (25 s / 20 s / 1): the same as production, so staging behaves like production.
 * - `development` (30 s / 30 s / 2): lenient, for paused debuggers and throttled background tabs
 *   (about 90 s to detect a dead peer).
 * - `test` (1 s / 0.5 s / 1): fast, for integration tests over real sockets (about 1.5 s).
 */
export const heartbeatDefaults: {
  readonly preset: HeartbeatPreset;
  readonly presets: Readonly<Record<HeartbeatPreset, HeartbeatFigures>>;
} = Object.freeze({
  preset: 'production',
  presets: Object.freeze({
    production: Object.freeze({ intervalMs: 25_000, timeoutMs: 20_000, maxMissed: 1 }),
    staging: Object.freeze({ intervalMs: 25_000, timeoutMs: 20_000, maxMissed: 1 }),
    development: Object.freeze({ intervalMs: 30_000, timeoutMs: 30_000, maxMissed: 2 }),
    test: Object.freeze({ intervalMs: 1_000, timeoutMs: 500, maxMissed: 1 }),
  }),
});

/** Bounds of the options, shared by validation and the docs. */
export const heartbeatLimits = {
  minIntervalMs: 10,
  minTimeoutMs: 5,
  maxMs: 2_147_483_647,
  maxMissed: 100,
} as const;

const heartbeatOptionKeys = {
  preset: true,
  intervalMs: true,
  timeoutMs: true,
  maxMissed: true,
} as const satisfies OptionKeys<HeartbeatOptions>;

function isPreset(value: unknown): value is HeartbeatPreset {
  return typeof value === 'string' && Object.hasOwn(heartbeatDefaults.presets, value);
}

function invalid(message: string): WsError {
  return new WsError('invalid_options', `heartbeat: ${message}`);
}

function checkMs(name: string, value: number, min: number): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > heartbeatLimits.maxMs
  ) {
    throw invalid(
      `${name} must be a number of ms from ${min} to ${heartbeatLimits.maxMs}, got ${String(value)}`,
    );
  }
  return value;
}

/** The preset named by `NODE_ENV`, if it names one. */
function presetFromEnv(): HeartbeatPreset | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.NODE_ENV;
  return isPreset(env) ? env : undefined;
}

/**
 * Applies the preset (the `preset` option, else `NODE_ENV` when it names a preset, else
 * `production`) and validates every figure. Throws `WsError('invalid_options')`.
 */
export function resolveHeartbeatOptions(options: HeartbeatOptions = {}): ResolvedHeartbeatOptions {
  checkOptionKeys<HeartbeatOptions>(options, heartbeatOptionKeys, 'heartbeat options');
  if (options.preset !== undefined && !isPreset(options.preset)) {
    throw invalid(
      `preset must be one of development, test, staging, production, got ${String(options.preset)}`,
    );
  }
  const preset = options.preset ?? presetFromEnv() ?? heartbeatDefaults.preset;
  const figures = heartbeatDefaults.presets[preset];
  const intervalMs = checkMs(
    'intervalMs',
    options.intervalMs ?? figures.intervalMs,
    heartbeatLimits.minIntervalMs,
  );
  const timeoutMs = checkMs(
    'timeoutMs',
    options.timeoutMs ?? figures.timeoutMs,
    heartbeatLimits.minTimeoutMs,
  );
  if (timeoutMs > intervalMs) {
    const from = options.timeoutMs === undefined ? ` (from preset '${preset}')` : '';
    throw invalid(`timeoutMs${from} (${timeoutMs}) must not exceed intervalMs (${intervalMs})`);
  }
  const maxMissed = options.maxMissed ?? figures.maxMissed;
  if (
    typeof maxMissed !== 'number' ||
    !Number.isInteger(maxMissed) ||
    maxMissed < 1 ||
    maxMissed > heartbeatLimits.maxMissed
  ) {
    throw invalid(
      `maxMissed must be an integer from 1 to ${heartbeatLimits.maxMissed}, got ${String(maxMissed)}`,
    );
  }
  return { preset, intervalMs, timeoutMs, maxMissed };
}
