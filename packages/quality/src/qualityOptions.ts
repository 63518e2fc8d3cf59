import { CloseCode } from '@ws/core';
import type { AlertOptions } from './alerts.js';
import type { Contract } from '@ws/core';
import type { Gate } from './gate.js';

/** Options of {@link quality}. */
export interface QualityOptions {
  /**
   * Gates every inbound frame passes, in order (after core's decode, shape check, ping/pong and
   * frame budget; ping and pong never reach them).
   * @default []
   */
  readonly inbound?: readonly Gate[];
  /**
   * The application's contract (`defineContract` from `@ws/core`): every inbound `publish` and
   * `direct` is checked against it before the `inbound` gates (gate name `contract`); a refusal
   * is an `invalid_message` error naming the path. The same contract the manager checks its own
   * sends with (`validateSends`), so there is one list of schemas.
   * @default none
   */
  readonly contract?: Contract;
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
   * @default 1008 (`CloseCode.policyViolation`)
   */
  readonly closeCode?: number;
}

/** Defaults of {@link quality}. */
export const qualityDefaults = {
  inbound: [],
  outbound: [],
  broadcastAlerts: true,
  closeCode: CloseCode.policyViolation,
} as const;
