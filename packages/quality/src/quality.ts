import type {
  ClientFrame,
  Connection,
  Plugin,
  PluginContext,
  SendResult,
  ThreadId,
} from '@ws/core';
import { WsError, threadId as toThreadId } from '@ws/core';
import type { AlertOptions, QualityAlert } from './alerts.js';
import { alertDefaults } from './alerts.js';
import type { Gate, GateDirection, GateInput, GateVerdict } from './gate.js';
import { createAlertMonitor } from './internal/alertMonitor.js';
import { isPromiseLike } from './internal/isPromiseLike.js';
import { registerQualityMetrics } from './internal/qualityMetrics.js';
import { runGates } from './internal/runGates.js';
import type { QualityVerdictBase } from './internal/runGates.js';
import { createTally } from './internal/tally.js';
import type { QualitySummary } from './internal/tally.js';

export type { QualitySummary, GateTally } from './internal/tally.js';

/** Options of {@link quality}. */
export interface QualityOptions {
  /**
   * Gates every inbound frame passes, in order (after core's decode, shape check, ping/pong and
   * frame budget; ping and pong never reach them).
   * @default []
   */
  readonly inbound?: readonly Gate[];
  /**
   * Gates every outbound message passes, in order, once per send on the sending instance.
   * @default []
   */
  readonly outbound?: readonly Gate[];
  /**
   * The operators' thread that `broadcastQualityUpdate`/`broadcastQualityAlert` send to. Messages
   * to it skip this plugin's outbound gates.
   * @default none (the broadcasts resolve to a failed `SendResult`)
   */
  readonly operatorsThread?: string;
  /**
   * Send every alert and recovery to `operatorsThread` as well as emitting it.
   * @default true (when `operatorsThread` is set)
   */
  readonly broadcastAlerts?: boolean;
  /**
   * Alert thresholds; `false` for no alerts (and no timer).
   * @default alertDefaults
   */
  readonly alerts?: AlertOptions | false;
  /**
   * Close code of a `close` verdict that names none.
   * @default 1008
   */
  readonly closeCode?: number;
}

/** Defaults of {@link quality}. */
export const qualityDefaults = {
  inbound: [],
  outbound: [],
  broadcastAlerts: true,
  closeCode: 1008,
} as const;

/** The verdict of a frame, with the gate that decided it (undefined when every gate passed). */
export type QualityVerdict = GateVerdict & { readonly gate: string | undefined };

/** What `manager.use(quality(...))` returns. */
export interface QualityHandle {
  /**
   * Runs the inbound gates on a frame and returns the verdict. Counts like a real frame (metrics,
   * alert windows, rate-limit tokens) but has no effect on the connection: nothing is sent, closed
   * or dispatched. A throwing gate is reported and gives `reject` with `internal_error`.
   */
  handleMessage(connection: Connection, frame: ClientFrame): Promise<QualityVerdict>;
  /** Sends `{ kind: 'quality:update', at, ...update }` to the operators' thread (default update: `metrics()`). */
  broadcastQualityUpdate(update?: Readonly<Record<string, unknown>>): Promise<SendResult>;
  /** Sends `{ kind: 'quality:alert', ...alert }` to the operators' thread. */
  broadcastQualityAlert(alert: QualityAlert): Promise<SendResult>;
  /** Counts per gate and direction, the current inbound reject rate, and the alerts firing. */
  metrics(): QualitySummary;
}

function checkGates(gates: readonly Gate[], direction: GateDirection): readonly Gate[] {
  for (const gate of gates) {
    if (typeof gate?.check !== 'function' || typeof gate.name !== 'string' || gate.name === '') {
      throw new WsError(
        'invalid_options',
        `quality: every ${direction} gate needs a name and a check function`,
      );
    }
    if (gate.directions !== undefined && !gate.directions.includes(direction)) {
      throw new WsError(
        'invalid_options',
        `quality: gate "${gate.name}" does not run ${direction}`,
      );
    }
  }
  return [...gates];
}

const noThread = (): SendResult => ({
  ok: false,
  delivered: 0,
  published: false,
  failedRemote: false,
  dropped: {},
  error: new WsError('invalid_options', 'quality: no operatorsThread configured'),
});

/**
 * Quality gates for every message: `manager.use(quality({ inbound: [...], outbound: [...] }))`.
 * A refused inbound frame is answered with an `error` frame through `connection.reject` (a
 * violation in core's count) and reaches nobody; a refused outbound message is not sent (core
 * counts it as dropped, cause `filtered`). One quality plugin per manager.
 */
export function quality(options: QualityOptions = {}): Plugin<QualityHandle> {
  const inbound = checkGates(options.inbound ?? qualityDefaults.inbound, 'inbound');
  const outbound = checkGates(options.outbound ?? qualityDefaults.outbound, 'outbound');
  const operators: ThreadId | undefined =
    options.operatorsThread === undefined ? undefined : toThreadId(options.operatorsThread);
  const closeCode = options.closeCode ?? qualityDefaults.closeCode;

  return {
    name: 'quality',
    setup(ctx: PluginContext): QualityHandle {
      const { manager, clock } = ctx;
      if (ctx.metrics.has('ws_quality_passes_total')) {
        throw new WsError('invalid_options', 'quality is already installed on this manager');
      }
      const tally = createTally();
      const notify = (alert: QualityAlert): void => {
        if (alert.state === 'firing') {
          metrics.alert(alert.alert);
          ctx.emit('quality:alert', alert);
        } else {
          ctx.emit('quality:recovery', alert);
        }
        if (operators !== undefined && options.broadcastAlerts !== false) {
          handle.broadcastQualityAlert(alert).then(
            (r) => {
              if (r.error !== undefined) ctx.onError(r.error, { stage: 'broadcast-alert' });
            },
            (err: unknown) => ctx.onError(err, { stage: 'broadcast-alert' }),
          );
        }
      };
      const monitor =
        options.alerts === false ? undefined : createAlertMonitor(options.alerts ?? {}, notify);
      const metrics = registerQualityMetrics(ctx.metrics, () => monitor?.active().length ?? 0);

      if (monitor !== undefined) {
        const every =
          (options.alerts === false ? undefined : options.alerts?.evaluateEveryMs) ??
          alertDefaults.evaluateEveryMs;
        const timer = clock.setInterval(() => {
          try {
            monitor.evaluate(clock.now());
          } catch (err) {
            ctx.onError(err, { stage: 'alerts' });
          }
        }, every);
        ctx.onClose(() => {
          clock.clear(timer);
        });
      }

      const reportFor = (connection: Connection | undefined) => (err: unknown, stage: string) => {
        ctx.onError(
          err,
          connection === undefined ? { stage } : { stage, connectionId: connection.id },
        );
      };

      const evaluate = (
        gates: readonly Gate[],
        input: GateInput,
        connection: Connection | undefined,
      ): QualityVerdictBase | Promise<QualityVerdictBase> => {
        const report = reportFor(connection);
        return runGates(gates, input, metrics, (err, gate) => {
          report(err, `gate:${gate.name}`);
        });
      };

      const account = (
        decision: QualityVerdictBase,
        direction: GateDirection,
        connection: Connection | undefined,
      ): void => {
        tally.count(direction, decision);
        if (direction === 'inbound' && connection !== undefined) {
          monitor?.record(connection.userId, decision.verdict.verdict !== 'pass', clock.now());
        }
      };

      const inboundInput = (connection: Connection, frame: ClientFrame): GateInput => ({
        direction: 'inbound',
        connection,
        frame,
        now: clock.now(),
        reportError: reportFor(connection),
      });

      if (inbound.length > 0) {
        ctx.inbound((connection, frame, next) => {
          const apply = (decision: QualityVerdictBase): void | Promise<void> => {
            account(decision, 'inbound', connection);
            const v = decision.verdict;
            switch (v.verdict) {
              case 'pass':
                return next();
              case 'reject':
                connection.reject(v.code, v.message, 'id' in frame ? frame.id : undefined);
                return;
              case 'close':
                connection.close(
                  v.code ?? closeCode,
                  v.reason ?? `closed by quality gate "${decision.gate ?? ''}"`,
                );
                return;
            }
          };
          const decision = evaluate(inbound, inboundInput(connection, frame), connection);
          return isPromiseLike(decision) ? decision.then(apply) : apply(decision);
        });
      }

      if (outbound.length > 0) {
        ctx.outbound((target, frame, next) => {
          if (operators !== undefined && target.kind === 'thread' && target.threadId === operators)
            return next();
          const apply = (decision: QualityVerdictBase): void | Promise<void> => {
            account(decision, 'outbound', undefined);
            // reject and close both mean: not sent (core counts it as dropped, `filtered`).
            if (decision.verdict.verdict === 'pass') return next();
          };
          const input: GateInput = {
            direction: 'outbound',
            target,
            frame,
            now: clock.now(),
            reportError: reportFor(undefined),
          };
          const decision = evaluate(outbound, input, undefined);
          return isPromiseLike(decision) ? decision.then(apply) : apply(decision);
        });
      }

      const sendToOperators = async (data: Record<string, unknown>): Promise<SendResult> => {
        if (operators === undefined) return noThread();
        return manager.sendToThread(operators, data);
      };

      const handle: QualityHandle = {
        async handleMessage(connection, frame) {
          const decision = await evaluate(inbound, inboundInput(connection, frame), connection);
          account(decision, 'inbound', connection);
          return { ...decision.verdict, gate: decision.gate };
        },
        broadcastQualityUpdate(update) {
          return sendToOperators({
            kind: 'quality:update',
            at: clock.now(),
            ...(update ?? handle.metrics()),
          });
        },
        broadcastQualityAlert(alert) {
          return sendToOperators({ kind: 'quality:alert', ...alert });
        },
        metrics() {
          const now = clock.now();
          return tally.summary(monitor?.rejectRate(now), monitor?.active() ?? []);
        },
      };
      return handle;
    },
  };
}
