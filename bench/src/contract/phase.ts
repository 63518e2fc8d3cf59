/**
 * One measured phase of the contract benchmark: `count` operations on a rig, in a burst (a tight
 * loop of awaits) or paced (one `setImmediate` turn between two operations), then a bounded wait
 * for every answer; CPU (`process.cpuUsage()`, user + system) and wall time per operation.
 */
import type { Rig } from './rig.js';

export type Mode = 'burst' | 'paced';

export interface PhaseFigures {
  readonly cpuUs: number;
  readonly wallUs: number;
  readonly failures: number;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs operations `from` .. `from + count - 1`; throws if they are not answered by `limitMs`. */
export async function runPhase(
  rig: Rig,
  mode: Mode,
  range: { readonly from: number; readonly count: number; readonly limitMs: number },
): Promise<PhaseFigures> {
  const { from, count, limitMs } = range;
  rig.mark();
  const until = performance.now() + limitMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = from; i < from + count; i++) {
    await rig.op(i);
    if (mode === 'paced') await turn();
    if ((i & 1023) === 0 && performance.now() > until) throw new Error(`${mode} phase timed out`);
  }
  while (!rig.answered(count)) {
    if (performance.now() > until)
      throw new Error(`${mode} phase: answers missing at ${limitMs} ms`);
    await turn();
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuUs: (cpu.user + cpu.system) / count,
    wallUs: (wall * 1000) / count,
    failures: rig.failures(count),
  };
}
