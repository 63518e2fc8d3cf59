/**
 * The one table of WebSocket close codes used by every package of this project.
 * READMEs link here; clients decide whether to reconnect from it.
 */
export const CloseCode = {
  /** Normal close. */
  normal: 1000,
  /** Server shutting down without drain: reconnect with backoff. */
  goingAway: 1001,
  /** Binary frame on a text-only subprotocol: fix the client. */
  unsupportedData: 1003,
  /** Abnormal closure (no close frame; reported locally, never sent). */
  abnormal: 1006,
  /** Invalid UTF-8 in a text frame: fix the client. */
  invalidPayload: 1007,
  /** Policy: too many violations, rate-limit abuse: do not reconnect at once. */
  policyViolation: 1008,
  /** Message over the size limit: fix the client. */
  messageTooBig: 1009,
  /** Unexpected server error: reconnect with backoff. */
  internalError: 1011,
  /** Draining for restart or deploy (after a `reconnect` frame): reconnect to the hint, resume. */
  serviceRestart: 1012,
  /** Slow consumer closed, or server full at connect: reconnect with backoff, then resume. */
  tryAgainLater: 1013,
  /** Idle timeout: reconnect and resume. */
  idleTimeout: 4001,
  /** Evicted by a newer connection of the same user: do not reconnect automatically. */
  evicted: 4100,
  /** Per-user connection limit reached: do not reconnect automatically. */
  userLimit: 4101,
  /** Session expired: get a fresh token once, else ask the user. */
  sessionExpired: 4102,
  /** Revoked (the user's access was withdrawn, on every instance): do not reconnect. */
  revoked: 4103,
} as const;

/** A close code from {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** What a client should do after a close code. */
export type CloseAdvice =
  'none' | 'reconnect' | 'fix-client' | 'wait' | 'reauthenticate' | 'ask-user' | 'do-not-reconnect';

/** One row of the close-code table: the code, when it is used, what the client should do. */
export interface CloseCodeInfo {
  readonly code: number;
  readonly when: string;
  readonly advice: CloseAdvice;
}

/** The close-code table of PROTOCOL.md, as data. */
export const closeCodeTable: readonly CloseCodeInfo[] = [
  { code: CloseCode.normal, when: 'normal close', advice: 'none' },
  { code: CloseCode.goingAway, when: 'server shutting down without drain', advice: 'reconnect' },
  {
    code: CloseCode.unsupportedData,
    when: 'binary frame on a text-only subprotocol',
    advice: 'fix-client',
  },
  {
    code: CloseCode.abnormal,
    when: 'connection dropped without a close frame',
    advice: 'reconnect',
  },
  { code: CloseCode.invalidPayload, when: 'invalid UTF-8 in a text frame', advice: 'fix-client' },
  {
    code: CloseCode.policyViolation,
    when: 'policy: too many violations, rate-limit abuse',
    advice: 'wait',
  },
  { code: CloseCode.messageTooBig, when: 'message over the size limit', advice: 'fix-client' },
  { code: CloseCode.internalError, when: 'unexpected server error', advice: 'reconnect' },
  { code: CloseCode.serviceRestart, when: 'draining for restart or deploy', advice: 'reconnect' },
  {
    code: CloseCode.tryAgainLater,
    when: 'slow consumer closed, or server full',
    advice: 'reconnect',
  },
  { code: CloseCode.idleTimeout, when: 'idle timeout', advice: 'reconnect' },
  {
    code: CloseCode.evicted,
    when: 'evicted by a newer connection of the same user',
    advice: 'ask-user',
  },
  { code: CloseCode.userLimit, when: 'user connection limit reached', advice: 'ask-user' },
  { code: CloseCode.sessionExpired, when: 'session expired', advice: 'reauthenticate' },
  { code: CloseCode.revoked, when: 'revoked: do not reconnect', advice: 'do-not-reconnect' },
];

/**
 * Whether a client should reconnect automatically after `code`: yes for 1001, 1006, 1011,
 * 1012, 1013 and 4000-4099; no for 4100-4199 and the "fix the client" codes.
 */
export function shouldReconnect(code: number): boolean {
  if (code >= 4000 && code <= 4099) return true;
  if (code >= 4100 && code <= 4199) return false;
  return (
    code === CloseCode.goingAway ||
    code === CloseCode.abnormal ||
    code === CloseCode.internalError ||
    code === CloseCode.serviceRestart ||
    code === CloseCode.tryAgainLater
  );
}

/** Buckets a close code for a metric label: the table's codes as themselves, else `other`. */
export function closeCodeLabel(code: number): string {
  for (const row of closeCodeTable) if (row.code === code) return String(code);
  return 'other';
}
