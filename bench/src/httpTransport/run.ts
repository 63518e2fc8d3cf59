/**
 * `pnpm --filter bench bench:http-transport [--quick] [--reps N]`
 *
 * Server-initiated fan-out over the HTTP transport (Server-Sent Events streams) against
 * WebSocket on our stack, one server process per variant, interleaved per repetition: server
 * CPU per delivered message, paced (one send per event-loop turn) and in a burst. Writes
 * results/http-transport.{md,json} (quick: results/quick.http-transport.*). Exit codes: 0 done
 * (the ratio is reported, never a failure), 1 harness error, 3 a lost or duplicated message.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildServers } from '../build.js';
import { guardRun, runContext, runMain } from '../guard.js';
import { runMeta } from '../versions.js';
import { runVariant } from './measure.js';
import type { PhaseFigures } from './plan.js';
import { fullSizes, quickSizes, transports } from './plan.js';
import { ratios, toMarkdown } from './results.js';

function repsArg(argv: readonly string[]): number | undefined {
  const i = argv.findIndex((a) => a === '--reps' || a.startsWith('--reps='));
  if (i < 0) return undefined;
  const raw = argv[i]!.includes('=') ? argv[i]!.slice(7) : argv[i + 1];
  return Math.max(1, Math.min(10, Math.floor(Number(raw)) || 1));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const base = quick ? quickSizes : fullSizes;
  const sizes = { ...base, reps: repsArg(argv) ?? base.reps };
  const { resultsDir, registry, started, loadBefore, harnessErrors, log } =
    runContext('http-transport');
  const outName = `${quick ? 'quick.' : ''}http-transport`;
  const phases: PhaseFigures[] = [];
  log(`load average at the start: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const write = (): void => {
    const meta = runMeta({ quick, started, loadBefore, reps: sizes.reps, harnessErrors });
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, phases, ratios: ratios(phases) }, null, 2)}\n`,
    );
    writeFileSync(`${resultsDir}${outName}.md`, toMarkdown(meta, sizes, phases));
  };
  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });
  await guard.run(
    async () => {
      const entry = fileURLToPath(new URL('./transportServer.ts', import.meta.url));
      const buildDir = await buildServers([entry]);
      for (let rep = 0; rep < sizes.reps && !guard.hit(); rep++)
        for (const transport of transports) {
          const got = await runVariant(
            registry,
            { buildDir, entry: 'transportServer' },
            { transport, rep, sizes },
          );
          phases.push(...got);
          for (const p of got)
            log(
              `rep ${rep + 1}/${sizes.reps} ${transport} ${p.mode}: ${p.cpuUsPerDelivered.toFixed(2)} us server CPU / delivered, ${p.delivered}/${p.expected} delivered, ${p.duplicates} duplicates, ${p.wallMs.toFixed(0)} ms`,
            );
        }
    },
    async () => undefined,
  );
  write();
  const r = ratios(phases);
  log(
    `HTTP / WebSocket server CPU per delivered message: paced ${r.paced?.toFixed(2)}x, burst ${r.burst?.toFixed(2)}x`,
  );
  log(`wrote results/${outName}.md and results/${outName}.json`);
  if (harnessErrors.length > 0) return 1;
  if (phases.some((p) => p.lost > 0 || p.duplicates > 0)) {
    log('FAIL: a message was lost or duplicated');
    return 3;
  }
  return 0;
}

runMain('bench:http-transport', main);
