/**
 * One repetition of one variant: for each mode (burst, then paced) a fresh rig, a warm-up of the
 * same operations (not measured), then the measured phase; the figures per operation.
 */
import type { Figures } from '../scenarios.js';
import type { Mode } from './phase.js';
import { runPhase } from './phase.js';
import type { Sizes, Variant } from './plan.js';
import { createRig } from './rig.js';

const modes: readonly Mode[] = ['burst', 'paced'];

export async function runVariant(variant: Variant, sizes: Sizes): Promise<Figures> {
  const figures: Figures = {};
  for (const mode of modes) {
    const rig = await createRig(variant, sizes.members);
    try {
      const limitMs = sizes.phaseMs;
      const warm = await runPhase(rig, mode, { from: 1, count: sizes.warmup, limitMs });
      const f = await runPhase(rig, mode, { from: 1 + sizes.warmup, count: sizes.ops, limitMs });
      figures[`${mode}_cpu_us`] = f.cpuUs;
      figures[`${mode}_wall_us`] = f.wallUs;
      figures[`${mode}_failures`] = f.failures + warm.failures;
    } finally {
      await rig.close();
    }
  }
  return figures;
}
