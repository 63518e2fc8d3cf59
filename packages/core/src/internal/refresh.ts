import type { RefreshedCredentials } from '../api.js';
import type { RefreshFrame } from '../frames.js';
import { errorFrame } from '../frames.js';
import { isPromise } from './maybePromise.js';
import { ackFor, acknowledge, rejectFrame } from './replies.js';
import type { ConnRecord, ManagerState } from './state.js';

type Answer = RefreshedCredentials | null | undefined | false;

/** One `refresh` frame being answered. */
interface Asked {
  readonly state: ManagerState;
  readonly rec: ConnRecord;
  readonly frame: RefreshFrame;
}

/**
 * Answers a client's `refresh`: the connection's `refresh` check (connect's option) is asked
 * about the token; accepted credentials of the same user move the 4102 deadline and are
 * acknowledged with the new `expiresAt`. Every refusal keeps the old expiry: no check configured,
 * a falsy answer, another user (each `forbidden`, one violation), an expiry not in the future
 * (`forbidden`), a throw (`internal_error`, reported). Two refreshes in flight: the later answer
 * wins.
 */
export function refresh(
  state: ManagerState,
  rec: ConnRecord,
  frame: RefreshFrame,
): void | Promise<void> {
  const check = rec.refresh;
  if (check === undefined) {
    state.m.refreshes.inc(1, { result: 'unsupported' });
    const message = 'refresh is not enabled on this server';
    return rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
  }
  const asked: Asked = { state, rec, frame };
  let answer: Answer | Promise<Answer>;
  try {
    answer = check(frame.token, rec.view);
  } catch (err) {
    return failed(asked, err);
  }
  if (!isPromise(answer)) return settle(asked, answer);
  return answer.then(
    (a) => settle(asked, a),
    (err: unknown) => failed(asked, err),
  );
}

function settle({ state, rec, frame }: Asked, answer: Answer): void {
  if (rec.closed) return;
  const refuse = (result: string, message: string): void => {
    state.m.refreshes.inc(1, { result });
    rejectFrame(state, rec, errorFrame(frame.id, 'forbidden', message));
  };
  if (answer === null || answer === undefined || answer === false) {
    return refuse('refused', 'refresh refused');
  }
  if (answer.userId !== rec.userId) {
    return refuse('wrong_user', 'the new credentials name another user');
  }
  const { expiresAt } = answer;
  if (expiresAt !== undefined && !(Number.isFinite(expiresAt) && expiresAt > state.clock.now())) {
    return refuse('expired', 'the new credentials have already expired');
  }
  rec.expiresAt = expiresAt;
  state.m.refreshes.inc(1, { result: 'ok' });
  acknowledge(state, rec, ackFor(frame.id, expiresAt === undefined ? undefined : { expiresAt }));
}

function failed({ state, rec, frame }: Asked, err: unknown): void {
  state.m.refreshes.inc(1, { result: 'failed' });
  state.reportError(err, 'refresh', rec.id);
  rejectFrame(state, rec, errorFrame(frame.id, 'internal_error', 'refresh failed'));
}
