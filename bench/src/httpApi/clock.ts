/**
 * The one clock of the HTTP API benchmark: `process.hrtime` is CLOCK_MONOTONIC on Linux, a
 * system-wide clock, so a time stamped in one process (the runner's HTTP request, the server's
 * in-process publish) and read in another (the receiving client) are on the same scale. Unlike
 * `performance.timeOrigin + performance.now()`, no per-process origin sample is involved.
 */

/** Microseconds of the system's monotonic clock (sub-microsecond fraction kept). */
export function monoUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** What every benchmark message carries: sequence number, publish start (monoUs), padding. */
export interface Stamped {
  readonly s: number;
  readonly t: number;
  readonly p: string;
}

const PAD = 'x'.repeat(200);

/** The ~100-byte `data` of message `seq`, stamped now (`t`: integer {@link monoUs}). */
export function stamped(seq: number): Stamped {
  const t = Math.round(monoUs());
  const base = `{"s":${seq},"t":${t},"p":""}`.length;
  return { s: seq, t, p: PAD.slice(0, Math.max(0, 100 - base)) };
}
