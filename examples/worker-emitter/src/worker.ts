/**
 * A job worker's publishing loop: progress of `threads` jobs, each on its own thread
 * (`job:<n>`), through the emitter only. Messages of one job go out one after the other (so
 * their offsets follow their order); the jobs run side by side.
 */
import type { Emitter, EmitResult } from '@ws/scaling-redis';

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  readonly emitter: Emitter;
  /** How many jobs (threads `job:0` ... `job:<threads - 1>`). @default 10 */
  readonly threads?: number;
  /** How many progress messages in all, spread over the jobs. @default 100 */
  readonly messages?: number;
  /** The thread name of job `n`. @default (n) => `job:${n}` */
  readonly threadOf?: (n: number) => string;
}

/** The progress message of one job step (what clients receive as `data`). */
export interface Progress {
  readonly job: number;
  readonly step: number;
  readonly of: number;
}

/** What a run did. */
export interface WorkerReport {
  readonly sent: number;
  /** Messages not published (Redis unreachable, too slow): each with its error. */
  readonly failed: number;
  readonly firstError?: string;
}

/** Publishes every job's progress; resolves when all are sent (or failed). Never rejects. */
export async function runWorker(o: WorkerOptions): Promise<WorkerReport> {
  const threads = o.threads ?? 10;
  const total = o.messages ?? 100;
  const threadOf = o.threadOf ?? ((n: number) => `job:${n}`);
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const count = (r: EmitResult): void => {
    if (r.error === undefined) sent++;
    else {
      failed++;
      firstError ??= `${r.error.code}: ${r.error.message}`;
    }
  };
  const job = async (n: number): Promise<void> => {
    const of = Math.floor(total / threads) + (n < total % threads ? 1 : 0);
    for (let step = 0; step < of; step++) {
      const progress: Progress = { job: n, step, of };
      count(await o.emitter.sendToThread(threadOf(n), progress));
    }
  };
  await Promise.all(Array.from({ length: threads }, (_, n) => job(n)));
  return { sent, failed, ...(firstError === undefined ? {} : { firstError }) };
}
