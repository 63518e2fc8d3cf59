/**
 * `pnpm --filter bench bench:contract [--quick] [--reps N]`
 *
 * What typed contracts cost at run time (issue 20), in this one process on core's in-memory
 * sockets (`createMemorySocketPair`), no Redis: `manager.sendToThread` to a thread of 100
 * members with `createManager({ contract, validateSends: true })` against the same manager
 * without `validateSends`; a client's `publish` frames through `quality({ contract })` and
 * through `quality({ inbound: [schemaGate(...)] })` (the same schema) against no quality plugin.
 * CPU per operation (`process.cpuUsage()`) in bursts and paced (one `setImmediate` turn between
 * operations), variants interleaved, 3 repetitions (quick: 1), medians, ratios from the same run.
 * Writes results/contract.{md,json} (quick: results/quick.contract.*). Exit codes: 0 done, 1
 * harness error, 3 a send refused or not delivered to every member, a frame not acknowledged.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exitCode, guardRun, runContext, runMain } from '../guard.js';
import type { VariantRecord } from '../repetitions.js';
import { runInterleaved } from '../repetitions.js';
import type { Figures } from '../scenarios.js';
import { runMeta } from '../versions.js';
import type { Sizes, Variant } from './plan.js';
import { fullSizes, maxText, quickSizes, variantLabel, variants } from './plan.js';
import { toMarkdown } from './results.js';
import { runVariant } from './runVariant.js';

function sizesFrom(argv: readonly string[]): { quick: boolean; sizes: Sizes } {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean', default: false }, reps: { type: 'string' } },
  });
  const base = values.quick ? quickSizes : fullSizes;
  const reps =
    values.reps === undefined
      ? base.reps
      : Math.max(1, Math.min(10, Math.floor(Number(values.reps)) || 1));
  return { quick: values.quick, sizes: { ...base, reps } };
}

function describe(sizes: Sizes): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `One process, no Redis, core's in-memory sockets (\`createMemorySocketPair\` from \`@ws/core/testing\`). Contract: \`defineContract({ threads: { 'chat:*': z.object({ text: z.string().max(${maxText}) }) }, direct: <the same schema> })\` with zod. **Sends**: \`manager.sendToThread('chat:1', { text: 'hi' })\` to a thread of ${n(sizes.members)} members, \`createManager({ contract })\` without \`validateSends\` (baseline) and with \`validateSends: true\`. **Frames**: one client writes \`{"type":"publish","thread":"chat:1","data":{"text":"hi"},"id":N}\` (acknowledged) to a thread with one other member, through no quality plugin (baseline), \`quality({ inbound: [schemaGate({ threads: [{ pattern: 'chat:*', schema }] })] })\` and \`quality({ contract })\` (both \`alerts: false\`). Per repetition, variant and mode: a fresh manager, ${n(sizes.warmup)} operations of warm-up, then ${n(sizes.ops)} measured: **burst**, a tight loop of \`await\`s (the send's promise; a frame's write, then every ack waited for), **paced**, one \`setImmediate\` turn after each operation. CPU per operation: \`process.cpuUsage()\` (user + system) of this process over the phase (the client's writes and the memory sockets' recording are in every variant alike) / operations. Every send must report delivery to every member and every frame an ack and one delivery (failures column).`;
}

/** The log line of one run. */
function line(v: Variant, f: Figures): string {
  const failures = (f.burst_failures ?? 0) + (f.paced_failures ?? 0);
  return `${variantLabel(v)}: CPU us per op burst ${f.burst_cpu_us?.toFixed(2)}, paced ${f.paced_cpu_us?.toFixed(2)}; failures ${failures}`;
}

async function main(): Promise<number> {
  const { quick, sizes } = sizesFrom(process.argv.slice(2));
  const ctx = runContext('contract');
  const { registry, harnessErrors, log } = ctx;
  const runs: VariantRecord[] = [];
  const outName = `${quick ? 'quick.' : ''}contract`;
  log(`load average at the start: ${ctx.loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const write = (): void => {
    const meta = runMeta({ ...ctx, quick, reps: sizes.reps, packages: ['zod'] });
    const report = { meta, description: describe(sizes), runs };
    const json = { meta, sizes, variants, runs };
    writeFileSync(`${ctx.resultsDir}${outName}.json`, `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(`${ctx.resultsDir}${outName}.md`, toMarkdown(report));
  };
  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });
  await guard.run(
    async () => {
      const o = { reps: sizes.reps, variants, hit: guard.hit, runs, harnessErrors, log, line };
      await runInterleaved(o, (v) => runVariant(v, sizes));
    },
    async () => {},
  );
  write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  const code = exitCode([], harnessErrors, log);
  const broken = runs.filter(
    (r) => (r.figures?.burst_failures ?? 0) + (r.figures?.paced_failures ?? 0) > 0,
  );
  if (code === 0 && broken.length > 0) {
    log(`FAIL: ${broken.map((r) => `${r.variant} rep ${r.rep + 1}`).join(', ')}: failures`);
    return 3;
  }
  return code;
}

runMain('bench:contract', main);
