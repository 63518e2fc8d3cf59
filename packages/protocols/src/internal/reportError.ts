import type { Logger, WsError } from '@ws/core';
import { toWsError } from '@ws/core';

/** An endpoint's `onError` option. */
export type OnError = (err: WsError, info: { readonly stage: string }) => void;

/**
 * The error reporter of an endpoint: a failure goes to `onError` when given, else to
 * `logger.error`; an `onError` that throws is logged. Never throws.
 */
export function createReporter(
  onError: OnError | undefined,
  logger: Logger,
): (err: unknown, stage: string) => void {
  return (err, stage) => {
    const error = toWsError(err);
    try {
      if (onError) onError(error, { stage });
      else logger.error(`${stage}: ${error.message}`, { code: error.code, stage });
    } catch (inner) {
      logger.error(`onError threw while reporting ${stage}`, { error: String(inner) });
    }
  };
}
