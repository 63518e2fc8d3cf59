/**
 * The close codes the client acts on: a small copy of `@ws/core`'s `CloseCode` table (see its
 * README), checked against core by `closeCodes.test.ts`.
 */
export const closeCodes = {
  normal: 1000,
  goingAway: 1001,
  abnormal: 1006,
  policyViolation: 1008,
  internalError: 1011,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  idleTimeout: 4001,
  evicted: 4100,
  userLimit: 4101,
  sessionExpired: 4102,
  revoked: 4103,
} as const;

/**
 * What the client does after a close:
 * - `retry`: reconnect with backoff (1001, 1006, 1011, 1013, 4000-4099);
 * - `follow-hint`: reconnect to the `reconnect` frame's URL after its `afterMs` (1012);
 * - `wait`: reconnect, but not at once (1008: the server saw abuse);
 * - `refresh-token`: call `getToken` once, reconnect only with a fresh token (4102);
 * - `stop`: never reconnect automatically (1000, 4100, 4101, 4103 revoked, the rest of 4100-4199, and the
 *   "fix the client" codes such as 1003, 1007, 1009).
 */
export type CloseAction = 'retry' | 'follow-hint' | 'wait' | 'refresh-token' | 'stop';

/** The client's decision for a close code. */
export function closeAction(code: number): CloseAction {
  if (code === closeCodes.serviceRestart) return 'follow-hint';
  if (code === closeCodes.policyViolation) return 'wait';
  if (code === closeCodes.sessionExpired) return 'refresh-token';
  if (code >= 4000 && code <= 4099) return 'retry';
  if (code >= 4100 && code <= 4199) return 'stop';
  return code === closeCodes.goingAway ||
    code === closeCodes.abnormal ||
    code === closeCodes.internalError ||
    code === closeCodes.tryAgainLater
    ? 'retry'
    : 'stop';
}
