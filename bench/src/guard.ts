/**
 * What every benchmark runner does around its runs: a hard deadline that kills every child,
 * writes what was measured and exits 1; signals and uncaught errors that kill every child; and
 * the exit code of a finished run (1: harness errors, 3: ours lost, duplicated or misdelivered).
 */
import type { ChildRegistry } from './child.js';
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { killAll } from './child.js';
import type { RunRecord } from './report.js';

/** What a runner keeps while it runs: where results go, its children, its errors, its log. */
export interface RunContext {
  /** bench/results/ (created). */
  readonly resultsDir: string;
  readonly registry: ChildRegistry;
  /** Date.now() at the start. */
  readonly started: number;
  readonly loadBefore: readonly number[];
  readonly harnessErrors: string[];
  readonly runs: RunRecord[];
  /** One line on stdout, `[tag seconds s] line`. */
  readonly log: (line: string) => void;
}

/** A runner's context, its log lines tagged `tag`. */
export function runContext(tag: string): RunContext {
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const started = Date.now();
  return {
    resultsDir,
    registry: { children: new Set() },
    started,
    loadBefore: loadavg(),
    harnessErrors: [],
    runs: [],
    log: (line) => {
      const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
      process.stdout.write(`[${tag} ${s} s] ${line}\n`);
    },
  };
}

export interface GuardOptions {
  readonly registry: ChildRegistry;
  readonly deadlineMs: number;
  /** Harness errors so far (the guard adds the deadline's and an uncaught error's). */
  readonly harnessErrors: string[];
  readonly log: (line: string) => void;
  /** Writes the results measured so far (called before an abort exits). */
  readonly write: () => void;
}

export interface RunGuard {
  /** Whether the deadline passed. */
  readonly hit: () => boolean;
  /**
   * Runs the body (a throw becomes a harness error), then `cleanup`, kills every child still
   * running and stops the deadline timer.
   */
  run(body: () => Promise<void>, cleanup: () => Promise<void>): Promise<void>;
}

/** Arms the deadline and the signal and uncaught-error handlers. */
export function guardRun(o: GuardOptions): RunGuard {
  let deadlineHit = false;
  const abort = (): void => {
    killAll(o.registry);
    try {
      o.write();
    } finally {
      process.exit(1);
    }
  };
  const deadline = setTimeout(() => {
    deadlineHit = true;
    o.harnessErrors.push(`deadline of ${o.deadlineMs / 1000} s passed; run aborted`);
    o.log(`DEADLINE: ${o.deadlineMs / 1000} s passed, aborting`);
    abort();
  }, o.deadlineMs);
  deadline.unref();
  const onSignal = (): void => {
    killAll(o.registry);
    process.exit(130);
  };
  process.on('uncaughtException', (err) => {
    o.harnessErrors.push(`uncaught: ${err.stack ?? err.message}`);
    o.log(`uncaught exception: ${err.stack ?? err.message}`);
    abort();
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    hit: () => deadlineHit,
    async run(body, cleanup) {
      try {
        await body();
      } catch (err) {
        o.harnessErrors.push(
          `harness: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        );
      } finally {
        await cleanup();
        killAll(o.registry);
      }
      clearTimeout(deadline);
    },
  };
}

/** The exit code of a finished run; logs why it is not 0. */
export function exitCode(
  runs: readonly RunRecord[],
  harnessErrors: readonly string[],
  log: (line: string) => void,
): number {
  let code = harnessErrors.length > 0 ? 1 : 0;
  for (const r of runs) {
    const f = r.figures;
    if (
      r.server === 'ours' &&
      f &&
      ((f.lost ?? 0) > 0 || (f.duplicates ?? 0) > 0 || (f.misdelivered ?? 0) > 0)
    ) {
      log(`FAIL: ours lost/duplicated/misdelivered messages in ${r.scenario} rep ${r.rep + 1}`);
      if (code === 0) code = 3;
    }
  }
  for (const e of harnessErrors) log(`harness error: ${e.split('\n')[0]}`);
  log(code === 0 ? 'done' : `exit ${code}`);
  return code;
}

/** Runs a runner's `main` and exits with its code (1, the error on stderr, if it threw). */
export function runMain(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
