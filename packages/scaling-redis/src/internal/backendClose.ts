import { CloseCode } from '@ws/core';

/**
 * Close codes a backend may close a user's connections with (a cluster-wide `disconnectUser`,
 * the emitter): the application's 4000-4099 (reconnect allowed) and 4103 (revoked), as core
 * checks them.
 */
export function isBackendCloseCode(code: unknown): code is number {
  return (
    typeof code === 'number' &&
    Number.isInteger(code) &&
    ((code >= 4000 && code <= 4099) || code === CloseCode.revoked)
  );
}
