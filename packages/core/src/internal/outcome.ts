import type { WsError } from '../errors.js';
import type { Offset } from '../ids.js';
import type { SendResult } from '../sendResult.js';
import type { Tally } from './writing.js';
import { createTally } from './writing.js';

/** The `dropped` of a send that dropped nothing (shared, frozen). */
const noDrops: SendResult['dropped'] = Object.freeze({});

/** The `SendResult` of a send from its tally and outcome. */
export function sendResult(
  tally: Tally,
  extra: {
    published?: boolean;
    failedRemote?: boolean;
    offset?: Offset | undefined;
    error?: WsError | undefined;
  },
): SendResult {
  const failedRemote = extra.failedRemote ?? false;
  const r: { -readonly [K in keyof SendResult]: SendResult[K] } = {
    ok: extra.error === undefined && !failedRemote,
    delivered: tally.delivered,
    published: extra.published ?? false,
    failedRemote,
    dropped: tally.dropped ?? noDrops,
  };
  if (extra.offset !== undefined) r.offset = extra.offset;
  if (extra.error !== undefined) r.error = extra.error;
  return r;
}

/** A failed send that reached nobody. */
export function failedSend(error: WsError, tally: Tally = createTally()): SendResult {
  return sendResult(tally, { error });
}
