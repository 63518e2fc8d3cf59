import { CloseCode } from '../closeCodes.js';
import type { WireErrorCode } from '../errors.js';
import type { RequestId } from '../frames.js';
import { ackFrame, errorFrame } from '../frames.js';
import { closeRecord } from './records.js';
import type { ConnRecord, ManagerState } from './state.js';
import { sendControl } from './writing.js';

/**
 * A request succeeded: resets the violation streak and acknowledges it. Only a request with an
 * `id` is acknowledged; one without is fire-and-forget (errors are still sent).
 */
export function acknowledge(
  state: ManagerState,
  rec: ConnRecord,
  id: RequestId | undefined,
  extra?: Parameters<typeof ackFrame>[1],
): void {
  rec.violations = 0;
  if (id !== undefined) sendControl(state, rec, ackFrame(id, extra));
}

/** Sends an `error` frame and counts a violation (not for `internal_error`); closes 1008 at the limit. */
export function rejectFrame(
  state: ManagerState,
  rec: ConnRecord,
  code: WireErrorCode,
  message: string,
  id: RequestId | undefined,
): void {
  if (rec.closed) return;
  sendControl(state, rec, errorFrame(id, code, message));
  state.m.errorsSent.inc(1, { code });
  if (code === 'internal_error') return;
  rec.violations++;
  state.m.violations.inc();
  if (rec.violations >= state.limits.maxViolations) {
    closeRecord(state, rec, CloseCode.policyViolation, 'too many violations');
  }
}
