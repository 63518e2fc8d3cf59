import { CloseCode } from '../closeCodes.js';
import type { AckFrame, ErrorFrame, RequestId } from '../frames.js';
import { ackFrame } from '../frames.js';
import { closeRecord } from './records.js';
import type { ConnRecord, ManagerState } from './state.js';
import { sendControl } from './writing.js';

/**
 * The `ack` of a request, or undefined for one without `id`: only a request with an `id` is
 * acknowledged; one without is fire-and-forget (errors are still sent).
 */
export function ackFor(
  id: RequestId | undefined,
  extra?: Parameters<typeof ackFrame>[1],
): AckFrame | undefined {
  return id === undefined ? undefined : ackFrame(id, extra);
}

/** A request succeeded: resets the violation streak and sends its `ack` (see {@link ackFor}). */
export function acknowledge(state: ManagerState, rec: ConnRecord, ack: AckFrame | undefined): void {
  rec.violations = 0;
  if (ack !== undefined) sendControl(state, rec, ack);
}

/** Sends an `error` frame and counts a violation (not for `internal_error`); closes 1008 at the limit. */
export function rejectFrame(state: ManagerState, rec: ConnRecord, frame: ErrorFrame): void {
  if (rec.closed) return;
  sendControl(state, rec, frame);
  state.m.errorsSent.inc(1, { code: frame.code });
  if (frame.code === 'internal_error') return;
  rec.violations++;
  state.m.violations.inc();
  if (rec.violations >= state.limits.maxViolations) {
    closeRecord(state, rec, { code: CloseCode.policyViolation, reason: 'too many violations' });
  }
}
