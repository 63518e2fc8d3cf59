/**
 * What the fuzz property accepts: the frames an attacker may get back, the close codes it may
 * see, and the frames the bystander may get.
 */
import { closeCodeTable, isWireErrorCode } from '@ws/core';
import { ATTACKER, BYSTANDER_THREAD } from './fuzzActors.js';

/** The transport's close codes PROTOCOL.md lists beside core's table (1002 is sent by `ws`). */
const transportCloseCodes = Object.freeze([1002, 1006, 1007, 1009]);

/** True for a close code an attacker may see: core's table, or a transport code PROTOCOL.md lists. */
export function isAllowedCloseCode(code: number): boolean {
  return transportCloseCodes.includes(code) || closeCodeTable.some((row) => row.code === code);
}

const field = (f: object, key: string): unknown => (f as Record<string, unknown>)[key];

/** Why a frame the attacker received is not allowed, or undefined when it is. */
export function attackerFrameProblem(f: unknown): string | undefined {
  if (typeof f !== 'object' || f === null) return `not an object: ${JSON.stringify(f)}`;
  const type = field(f, 'type');
  switch (type) {
    case 'welcome':
      return field(f, 'userId') === ATTACKER ? undefined : 'welcome for another user';
    case 'ack':
    case 'pong':
      return undefined;
    case 'error': {
      const code = field(f, 'code');
      if (typeof code !== 'string' || !isWireErrorCode(code)) return `undocumented error code`;
      // Nothing here should make the server fail: internal_error would hide a bug.
      return code === 'internal_error'
        ? `internal_error: ${String(field(f, 'message'))}`
        : undefined;
    }
    case 'message': {
      const thread = field(f, 'thread');
      if (thread === undefined) {
        return field(f, 'from') === ATTACKER ? undefined : 'a direct message from someone else';
      }
      return typeof thread === 'string' && thread.startsWith(`${ATTACKER}:`)
        ? undefined
        : `a message of thread ${JSON.stringify(thread)}`;
    }
    default:
      return `unexpected frame type ${String(type)}`;
  }
}

/** True when `f` is the `n`-th probe the test sent to the bystander's thread. */
export function isProbe(f: unknown, n: number): boolean {
  if (typeof f !== 'object' || f === null) return false;
  const data = field(f, 'data');
  return (
    field(f, 'type') === 'message' &&
    field(f, 'thread') === BYSTANDER_THREAD &&
    field(f, 'from') === null &&
    typeof field(f, 'offset') === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    field(data, 'probe') === n
  );
}
