import type { Contract, ContractCheck } from '@ws/core';
import type { Gate, GateVerdict } from '../gate.js';
import { pass } from '../gate.js';
import { isPromiseLike } from './isPromiseLike.js';

function verdict(c: ContractCheck): GateVerdict {
  return c.ok ? pass() : { verdict: 'reject', code: 'invalid_message', message: c.message };
}

/**
 * The gate `quality({ contract })` runs first: an inbound `publish` is checked against its
 * thread's schema, a `direct` against the direct schema; a thread outside every glob, a direct
 * message without a direct schema, or data a schema refuses is answered `invalid_message` with
 * the contract's message (naming the path). Other frames pass. Validation only: the data that
 * passes on is the client's, not the schema's output.
 */
export function contractGate(contract: Contract): Gate {
  return {
    name: 'contract',
    directions: ['inbound'],
    check(input) {
      const frame = input.frame;
      let c: ContractCheck | Promise<ContractCheck>;
      if (frame.type === 'publish') c = contract.check(frame.thread, frame.data);
      else if (frame.type === 'direct') c = contract.check(undefined, frame.data);
      else return pass();
      return isPromiseLike(c) ? Promise.resolve(c).then(verdict) : verdict(c);
    },
  };
}
