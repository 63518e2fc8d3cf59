/**
 * What the presence benchmark runs, shared by the runner and its server: the thread, the
 * variants (a baseline without presence, presence with no watchers, presence with watchers),
 * and the full and quick sizes.
 */

/** The one thread every member joins. */
export const benchThread = 'room:presence';

/** Presence options of the server's manager (the issue's: core's defaults). */
export const diffIntervalMs = 200;
export const fullListMax = 1000;

/**
 * `baseline`: the same joins on `redisCluster` with its presence members left out (core keeps no
 * presence); `off`: presence, nobody watches (no diffs); `on`: presence, `watchers` of the
 * members joined with `"presence": true` and receive `presence_diff` frames.
 */
export interface Variant {
  readonly id: string;
  readonly presence: boolean;
  readonly watchers: number;
}

export interface Sizes {
  readonly reps: number;
  /** Members of the one thread (one connection, one user each). */
  readonly members: number;
  /** Watchers of each `on` variant (the first members to join, the last to leave). */
  readonly watchers: readonly number[];
  /** Joins (and leaves) per second, paced from the runner. */
  readonly perSecond: number;
  /** Wait after the last ack of a phase before the measurement stops (presence writes, diffs). */
  readonly settleMs: number;
  /** Hard deadline of the whole run (every child killed, exit 1). */
  readonly deadlineMs: number;
}

export const fullSizes: Sizes = {
  reps: 3,
  members: 10_000,
  watchers: [100, 1000],
  perSecond: 2000,
  settleMs: 3 * diffIntervalMs,
  deadlineMs: 12 * 60_000,
};

/** The smoke run: 1,000 members, 100 watching, one repetition, about 15 s. */
export const quickSizes: Sizes = {
  reps: 1,
  members: 1000,
  watchers: [100],
  perSecond: 1000,
  settleMs: 3 * diffIntervalMs,
  deadlineMs: 2 * 60_000,
};

/** The variants of one repetition, in their interleaving order. */
export function variants(sizes: Sizes): Variant[] {
  return [
    { id: 'baseline', presence: false, watchers: 0 },
    { id: 'off', presence: true, watchers: 0 },
    ...sizes.watchers.map((w) => ({ id: `on-${w}`, presence: true, watchers: w })),
  ];
}

/** The user id of member `i` (one connection each). */
export function memberId(i: number): string {
  return `m${i}`;
}
