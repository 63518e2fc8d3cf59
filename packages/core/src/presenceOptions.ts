import type { OptionKeys } from './optionKeys.js';

/** Options of presence diffs (`createManager({ presence })`). */
export interface PresenceDiffOptions {
  /**
   * Whether the manager counts its memberships into the cluster's presence at all. Off, a join
   * costs the cluster nothing more (with Redis: one script call less per join and per leave),
   * and `presence`, `presenceCount`, presence requests and watches are refused as with an
   * adapter that keeps no presence.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * How long a thread's presence changes are coalesced before its watchers get one
   * `presence_diff`, in ms.
   * @default 200
   */
  readonly diffIntervalMs?: number;
  /**
   * Above this many users in a thread, a diff carries counts only (no user ids); a watcher that
   * comes back under it gets the full list once.
   * @default 1000
   */
  readonly fullListMax?: number;
}

/** Defaults of {@link PresenceDiffOptions}. */
export const presenceDefaults = {
  enabled: true,
  diffIntervalMs: 200,
  fullListMax: 1_000,
} as const;

/** Every key of {@link PresenceDiffOptions}. */
export const presenceOptionKeys = {
  enabled: true,
  diffIntervalMs: true,
  fullListMax: true,
} as const satisfies OptionKeys<PresenceDiffOptions>;

/** The default and the largest `limit` of a presence page. */
export const presencePageDefaults = {
  limit: 100,
  maxLimit: 1_000,
} as const;
