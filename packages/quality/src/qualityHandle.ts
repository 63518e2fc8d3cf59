import type { ClientFrame, Connection, SendResult } from '@ws/core';
import type { QualityAlert } from './alerts.js';
import type { GateVerdict } from './gate.js';
import type { QualitySummary } from './internal/tally.js';

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
