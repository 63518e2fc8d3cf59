import type { OptionKeys, Plugin, ThreadId } from '@ws/core';
import { WsError, checkOptionKeys, threadId as toThreadId } from '@ws/core';
import { checkAlertOptionKeys } from './alerts.js';
import { contractGate } from './internal/contractGate.js';
import type { Gate, GateDirection } from './gate.js';
import { setupQuality } from './internal/setupQuality.js';
import type { QualityHandle } from './qualityHandle.js';
import type { QualityOptions } from './qualityOptions.js';
import { qualityDefaults } from './qualityOptions.js';

export { qualityDefaults } from './qualityOptions.js';
export type { QualityOptions } from './qualityOptions.js';
export type { QualityHandle, QualityVerdict } from './qualityHandle.js';
export type { QualitySummary, GateTally } from './internal/tally.js';

function checkGates(gates: readonly Gate[], direction: GateDirection): readonly Gate[] {
  for (const gate of gates) {
    if (typeof gate?.check !== 'function' || typeof gate.name !== 'string' || gate.name === '') {
      throw new WsError(
        'invalid_options',
        `quality: every ${direction} gate needs a name and a check function`,
      );
    }
    if (gate.directions !== undefined && !gate.directions.includes(direction)) {
      throw new WsError(
        'invalid_options',
        `quality: gate "${gate.name}" does not run ${direction}`,
      );
    }
  }
  return [...gates];
}

const qualityOptionKeys = {
  inbound: true,
  contract: true,
  outbound: true,
  operatorsThread: true,
  broadcastAlerts: true,
  alerts: true,
  closeCode: true,
} as const satisfies OptionKeys<QualityOptions>;

/**
 * Quality gates for every message: `manager.use(quality({ inbound: [...], outbound: [...] }))`.
 * A refused inbound frame is answered with an `error` frame through `connection.reject` (a
 * violation in core's count) and reaches nobody; a refused outbound message is not sent (core
 * counts it as dropped, cause `filtered`). One quality plugin per manager. An unknown option key,
 * nested ones (`alerts.rejectRate`...) included, throws `WsError('invalid_options')` naming it.
 */
export function quality(options: QualityOptions = {}): Plugin<QualityHandle> {
  checkOptionKeys<QualityOptions>(options, qualityOptionKeys, 'quality options');
  checkAlertOptionKeys(options.alerts, 'quality options.alerts');
  const contract = options.contract;
  if (contract !== undefined && typeof contract.check !== 'function')
    throw new WsError('invalid_options', 'quality: contract is not one from defineContract');
  const inbound = checkGates(
    [
      ...(contract === undefined ? [] : [contractGate(contract)]),
      ...(options.inbound ?? qualityDefaults.inbound),
    ],
    'inbound',
  );
  const outbound = checkGates(options.outbound ?? qualityDefaults.outbound, 'outbound');
  const operators: ThreadId | undefined =
    options.operatorsThread === undefined ? undefined : toThreadId(options.operatorsThread);
  const closeCode = options.closeCode ?? qualityDefaults.closeCode;
  const config = { options, inbound, outbound, operators, closeCode };
  return {
    name: 'quality',
    setup: (ctx) => setupQuality(ctx, config),
  };
}
