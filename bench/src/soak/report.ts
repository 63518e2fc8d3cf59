/**
 * The soak's verdict and its printout: heap after warm-up versus heap after the load stopped and
 * the TTLs ran out (both after two forced GCs), and the lost-message ledger.
 */
import type { ClientTotals } from './client.js';
import type { Ledger } from './ledger.js';

/** Everything the report prints. */
export interface SoakResult {
  readonly command: string;
  readonly startedAt: string;
  readonly minutes: number;
  readonly warmupMinutes: number;
  readonly clients: number;
  readonly ttlMs: number;
  readonly threadPool: number;
  readonly baseline: { readonly heapUsed: number; readonly rss: number };
  readonly end: { readonly heapUsed: number; readonly rss: number };
  readonly peakRss: number;
  readonly batches: number;
  readonly totals: ClientTotals;
  readonly ledger: Ledger;
  readonly serverStatsAtEnd: Record<string, unknown>;
  readonly failures: readonly string[];
}

/** Largest growth of the end heap over the baseline that still passes. */
export const maxHeapRatio = 1.05;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** The reasons the soak failed; empty when it passed. */
export function verdict(r: SoakResult): string[] {
  const reasons: string[] = [];
  const ratio = r.end.heapUsed / r.baseline.heapUsed;
  if (ratio > maxHeapRatio) {
    reasons.push(`heap grew: ratio ${ratio.toFixed(3)} > ${maxHeapRatio}`);
  }
  if (r.ledger.lost > 0) reasons.push(`${r.ledger.lost} messages lost`);
  if (r.ledger.owed === 0) reasons.push('no message was owed: the load did not run');
  if (r.totals.unexpectedCloses > 0) {
    reasons.push(`${r.totals.unexpectedCloses} connections closed by the server`);
  }
  return reasons;
}

/** Formats the result as text lines. */
export function formatReport(r: SoakResult): string {
  const ratio = r.end.heapUsed / r.baseline.heapUsed;
  const reasons = verdict(r);
  const t = r.totals;
  const l = r.ledger;
  return [
    `soak: ${r.command} (started ${r.startedAt})`,
    `  run ${r.minutes} min, warm-up ${r.warmupMinutes} min, ${r.clients} connections per churn batch, ${r.threadPool} churn thread names, TTLs ${r.ttlMs} ms`,
    `  heap baseline ${mib(r.baseline.heapUsed)}, end ${mib(r.end.heapUsed)}, ratio ${ratio.toFixed(3)} (pass <= ${maxHeapRatio})`,
    `  server RSS baseline ${mib(r.baseline.rss)}, end ${mib(r.end.rss)}, peak seen ${mib(r.peakRss)}`,
    `  connections opened ${t.opened}, closed ${t.closed}, connect errors ${t.connectErrors}, closed by server ${t.unexpectedCloses}; churn batches ${r.batches}`,
    `  messages published ${l.published} (sent ${t.sent}), received ${t.received}; owed ${l.owed}, delivered ${l.delivered}, lost ${l.lost}, excluded ${l.excluded}, unowed ${l.unowed}, duplicates ${t.duplicates}, error frames ${t.errorFrames}`,
    `  server at end: ${JSON.stringify(r.serverStatsAtEnd)}`,
    ...r.failures.slice(0, 10).map((f) => `  note: ${f}`),
    reasons.length === 0 ? 'PASS' : `FAIL: ${reasons.join('; ')}`,
  ].join('\n');
}
