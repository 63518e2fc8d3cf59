import type { MaybePromise } from '../cluster.js';
import type { Contract, ContractCheck } from '../contractTypes.js';
import { WsError } from '../errors.js';
import type { SendResult } from '../sendResult.js';
import { isPromise, settled } from './maybePromise.js';
import { failedSend } from './outcome.js';

/** What a send carries that the contract checks: its thread (none for direct) and its data. */
export interface SendPayload {
  readonly thread: string | undefined;
  readonly data: unknown;
}

/**
 * Runs a send, first checking its data against the contract when sends are validated
 * (`validateSends`): a refusal is a failed `SendResult` with `invalid_message`, sent to nobody.
 * Without a contract to check, the send runs as it would (no extra promise, no extra turn).
 */
export function checkedSend(
  contract: Contract | undefined,
  payload: SendPayload,
  send: () => MaybePromise<SendResult>,
): Promise<SendResult> {
  if (contract === undefined) return settled(send);
  const go = (c: ContractCheck): MaybePromise<SendResult> =>
    c.ok ? send() : failedSend(new WsError('invalid_message', c.message));
  return settled(() => {
    const c = contract.check(payload.thread, payload.data);
    return isPromise(c) ? c.then(go) : go(c);
  });
}

/** The contract sends are checked against: the manager's, when `validateSends` is on. */
export function sendContract(options: {
  readonly contract?: Contract;
  readonly validateSends?: boolean;
}): Contract | undefined {
  if (options.validateSends !== true) return undefined;
  if (options.contract === undefined)
    throw new WsError('invalid_options', 'validateSends needs a contract (defineContract)');
  return options.contract;
}
