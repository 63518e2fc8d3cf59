/**
 * The soak's command line: `--minutes N --warmup-minutes N --clients N --ttl-ms N
 * --thread-pool N --snapshots`.
 */

/** Parsed options. */
export interface SoakOptions {
  /** Load time after the warm-up, in minutes. */
  readonly minutes: number;
  /** Load time before the baseline heap is taken, in minutes. */
  readonly warmupMinutes: number;
  /** Connections per churn batch. */
  readonly clients: number;
  /** Session TTL and history TTL of the server, in ms. */
  readonly ttlMs: number;
  /** Distinct churn thread names, reused round-robin. */
  readonly threadPool: number;
  /** Writes a heap snapshot of the server at baseline and at the end. */
  readonly snapshots: boolean;
}

/** Defaults of {@link SoakOptions}. */
export const soakDefaults: SoakOptions = {
  minutes: 10,
  warmupMinutes: 1,
  clients: 300,
  ttlMs: 5_000,
  threadPool: 1_000,
  snapshots: false,
};

function numberAfter(argv: readonly string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
  return n;
}

/** Reads the options from `argv` (the arguments after the script). */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  return {
    minutes: numberAfter(argv, '--minutes', soakDefaults.minutes),
    warmupMinutes: numberAfter(argv, '--warmup-minutes', soakDefaults.warmupMinutes),
    clients: Math.round(numberAfter(argv, '--clients', soakDefaults.clients)),
    ttlMs: Math.round(numberAfter(argv, '--ttl-ms', soakDefaults.ttlMs)),
    threadPool: Math.round(numberAfter(argv, '--thread-pool', soakDefaults.threadPool)),
    snapshots: argv.includes('--snapshots'),
  };
}
