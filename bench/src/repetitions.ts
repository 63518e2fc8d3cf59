/**
 * The repetition loop of the stand-alone benchmarks that compare variants of one server
 * (presence, lifecycle): for each repetition every variant in turn (interleaved), each run's
 * figures or error recorded, a log line per run; a run that throws is a harness error and the
 * loop goes on. Bounded by the repetitions and by the run's deadline (`hit`).
 */
import type { Figures } from './scenarios.js';

/** One run of one variant in one repetition: its figures, or the error it threw. */
export interface VariantRecord {
  readonly variant: string;
  readonly rep: number;
  readonly figures?: Figures;
  readonly error?: string;
}

export interface Interleaving<V extends { readonly id: string }> {
  readonly reps: number;
  readonly variants: readonly V[];
  /** Whether the run's deadline passed (no further run starts). */
  readonly hit: () => boolean;
  readonly runs: VariantRecord[];
  readonly harnessErrors: string[];
  readonly log: (line: string) => void;
  /** The log line of a run that succeeded, after `rep i/n`. */
  readonly line: (variant: V, figures: Figures) => string;
}

export async function runInterleaved<V extends { readonly id: string }>(
  o: Interleaving<V>,
  runOne: (variant: V, rep: number) => Promise<Figures>,
): Promise<void> {
  for (let rep = 0; rep < o.reps && !o.hit(); rep++) {
    for (const v of o.variants) {
      try {
        const figures = await runOne(v, rep);
        o.runs.push({ variant: v.id, rep, figures });
        o.log(`rep ${rep + 1}/${o.reps} ${o.line(v, figures)}`);
      } catch (err) {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        o.runs.push({ variant: v.id, rep, error: message });
        o.harnessErrors.push(`${v.id} rep ${rep + 1}: ${message}`);
        o.log(`rep ${rep + 1} ${v.id}: ERROR ${message.split('\n')[0]}`);
      }
    }
  }
}
