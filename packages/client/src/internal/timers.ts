import type { ClientTimers } from '../options.js';

/** `globalThis` timers, unref'd where the runtime has `unref` (Node), so a client never holds a process open. */
export function defaultTimers(): ClientTimers {
  return {
    setTimeout(fn, ms) {
      const handle = globalThis.setTimeout(fn, ms) as unknown;
      (handle as { unref?: () => void }).unref?.();
      return handle;
    },
    clearTimeout(handle) {
      globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
    },
  };
}
