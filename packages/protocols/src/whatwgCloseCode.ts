import { shouldReconnect } from '@ws/core';

/**
 * Maps a close code onto one a WHATWG `WebSocket.close()` accepts (1000 or 3000-4999):
 * - 1000 and 3000-4999 pass unchanged;
 * - 1001-1015 (which a WHATWG socket refuses) move into this project's private range, keeping
 *   the reconnect advice of core's table: codes a client should reconnect after (1001, 1006,
 *   1011, 1012, 1013) become `4050 + (code - 1000)` (4051, 4056, 4061, 4062, 4063, inside
 *   4000-4099 "reconnect allowed"); the others (1002, 1003, 1007, 1008, 1009, ...) become
 *   `4150 + (code - 1000)` (4152, 4153, 4157, 4158, 4159, inside 4100-4199 "do not reconnect
 *   automatically");
 * - anything else becomes 1000.
 * {@link fromWhatwgCloseCode} reverses it.
 */
export function toWhatwgCloseCode(code: number): number {
  if (code === 1000 || (code >= 3000 && code <= 4999)) return code;
  if (code >= 1001 && code <= 1015) return (shouldReconnect(code) ? 4050 : 4150) + (code - 1000);
  return 1000;
}

/**
 * Reverses {@link toWhatwgCloseCode} for a code received from a WHATWG-adapted server socket
 * (4051-4065 and 4151-4165 back to 1001-1015); any other code is returned as it is.
 */
export function fromWhatwgCloseCode(code: number): number {
  if (code >= 4051 && code <= 4065) return code - 3050;
  if (code >= 4151 && code <= 4165) return code - 3150;
  return code;
}
