/**
 * One phase's count of what the receiving client got: each sequence number of the phase's range
 * once (more is a duplicate, outside the range a stray), and the delivery latency of each.
 */
import { latencyBuffer } from '../stats.js';

/** A phase's figures as the receiver reports them (latencies in microseconds). */
export interface TallySummary {
  readonly expected: number;
  readonly received: number;
  readonly duplicates: number;
  readonly stray: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** The smallest latency: a negative one would mean the clocks are not one clock. */
  readonly minUs: number;
}

export interface Tally {
  /** One delivered message: its sequence number, its stamp and now (both `monoUs`). */
  add(seq: number, sentAtUs: number, nowUs: number): void;
  /** Whether every message of the range arrived. */
  complete(): boolean;
  summary(): TallySummary;
}

/** A tally of sequence numbers `from` .. `from + count - 1`. */
export function createTally(from: number, count: number): Tally {
  const seen = new Uint8Array(count);
  const lat = latencyBuffer(Math.max(1, count));
  let received = 0;
  let duplicates = 0;
  let stray = 0;
  let maxUs = Number.NaN;
  let minUs = Number.NaN;
  return {
    add(seq, sentAtUs, nowUs) {
      const i = seq - from;
      if (!Number.isInteger(i) || i < 0 || i >= count) {
        stray += 1;
        return;
      }
      if (seen[i] !== 0) {
        duplicates += 1;
        return;
      }
      seen[i] = 1;
      received += 1;
      const us = nowUs - sentAtUs;
      lat.add(us);
      maxUs = received === 1 ? us : Math.max(maxUs, us);
      minUs = received === 1 ? us : Math.min(minUs, us);
    },
    complete: () => received >= count,
    summary: () => ({
      expected: count,
      received,
      duplicates,
      stray,
      p50Us: lat.p(50),
      p99Us: lat.p(99),
      maxUs,
      minUs,
    }),
  };
}
