/**
 * `pnpm --filter bench bench:http-api [--quick] [--reps N] [--profile] [--receiver child|runner]`
 *
 * HTTP publish through `@ws/http-api` at 1,000 requests/s against an in-process publish and
 * against a bare `http` no-op request, in one run, interleaved (HTTP, in-process, bare; 3
 * repetitions; quick: 1 s each, 1 repetition). Figures: delivery latency p50/p99 of both
 * publishes, the added latency of HTTP (the difference), the bare round trip, and the ratio of
 * added p99 to bare p99 against the 1.5x target (PASS / MISS, never a failure). Lost messages
 * or duplicates exit 3 (so do non-200 answers); a harness error exits 1. Writes
 * results/http-api.{md,json} (quick: results/quick.http-api.*, not committed; `--receiver
 * runner`: results/http-api.receiver-in-runner.*). `--profile`: a
 * CPU profile of the server per measured scenario, results/profiles/http-api/phase-N-pidP.cpuprofile
 * (warm-up: phases 1-3; then 3 a repetition in the order HTTP, in-process, bare).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildServers } from '../build.js';
import type { ServerHandle } from '../child.js';
import { spawnServer } from '../child.js';
import { exitCode, guardRun, runContext } from '../guard.js';
import { summarizeScenario, toMarkdown } from '../report.js';
import { runMeta } from '../versions.js';
import type { HttpLoad } from './load.js';
import { createHttpLoad } from './load.js';
import { childReceiver } from './childReceiver.js';
import type { Rig } from './measure.js';
import { measurePass, sequence } from './measure.js';
import type { Sizes } from './plan.js';
import { createReceiver } from './receiver.js';
import { fullSizes, quickSizes } from './plan.js';
import { httpApiMeta, perRepTable, ratioLimit } from './results.js';

interface Args {
  readonly quick: boolean;
  readonly reps?: number;
  readonly profile: boolean;
  /** Where the receiving client runs: its own process (default) or the runner's. */
  readonly receiver: 'child' | 'runner';
}

/** The value of `--name V` or `--name=V`, if given. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1];
}

function parseArgs(argv: readonly string[]): Args {
  const raw = flagValue(argv, '--reps');
  const reps = raw === undefined ? undefined : Math.max(1, Math.min(15, Number(raw) || 1));
  const where = flagValue(argv, '--receiver') ?? 'child';
  if (where !== 'child' && where !== 'runner') throw new Error('--receiver is child or runner');
  return {
    quick: argv.includes('--quick'),
    ...(reps === undefined ? {} : { reps }),
    profile: argv.includes('--profile'),
    receiver: where,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? quickSizes : fullSizes;
  const sizes: Sizes = { ...base, reps: args.reps ?? base.reps };
  const { resultsDir, registry, started, loadBefore, harnessErrors, runs, log } =
    runContext('http-api');
  const outName = `${args.quick ? 'quick.' : ''}http-api${args.receiver === 'runner' ? '.receiver-in-runner' : ''}`;
  const def = httpApiMeta(sizes, args.receiver);
  log(`load average at the start: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  const write = (): void => {
    const result = summarizeScenario(def, runs);
    const meta = runMeta({
      quick: args.quick,
      started,
      loadBefore,
      reps: sizes.reps,
      harnessErrors,
    });
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, receiver: args.receiver, result, runs }, null, 2)}\n`,
    );
    const md = toMarkdown(meta, [result]).replace(
      '# Benchmark results',
      '# HTTP API benchmark results',
    );
    writeFileSync(`${resultsDir}${outName}.md`, `${md}\n${perRepTable(runs).join('\n')}`);
    for (const t of result.targets) {
      const mark = t.met === undefined ? 'n/a ' : t.met ? 'PASS' : 'MISS';
      log(`${mark} ${t.name}: ${t.value === undefined ? 'n/a' : t.value.toFixed(2)} (${t.limit})`);
    }
  };

  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });
  let server: ServerHandle | undefined;
  let load: HttpLoad | undefined;
  let closeReceiver = async (): Promise<void> => {};
  await guard.run(
    async () => {
      const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
      const buildDir = await buildServers([here('./apiServer.ts'), here('./apiReceiver.ts')]);
      const profileDir = args.profile ? `${resultsDir}profiles/http-api` : undefined;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      server = await spawnServer(registry, 'ours', { buildDir, entry: 'apiServer', profileDir });
      const receiver =
        args.receiver === 'runner'
          ? await createReceiver(server.port)
          : childReceiver(
              await spawnServer(registry, 'ours', {
                buildDir,
                entry: 'apiReceiver',
                env: { BENCH_SERVER_PORT: String(server.port) },
              }),
            );
      closeReceiver = () => receiver.close();
      load = createHttpLoad(server.port);
      const rig: Rig = { server, receiver, load, take: sequence() };
      log(
        `server on port ${server.port}; receiving client in the ${args.receiver === 'child' ? 'child process' : 'runner'}; warm-up, ${sizes.warmupSeconds} s per scenario`,
      );
      await measurePass(rig, { ...sizes, seconds: sizes.warmupSeconds });
      for (let rep = 0; rep < sizes.reps && !guard.hit(); rep++) {
        const f = await measurePass(rig, sizes);
        runs.push({ scenario: def.id, server: 'ours', rep, figures: f });
        const r = f.added_p99_over_bare_p99 ?? Number.NaN;
        log(
          `rep ${rep + 1}/${sizes.reps}: delivery p50/p99 us HTTP ${f.http_p50_us?.toFixed(0)}/${f.http_p99_us?.toFixed(0)}, in-process ${f.inproc_p50_us?.toFixed(0)}/${f.inproc_p99_us?.toFixed(0)}; bare round trip ${f.bare_p50_us?.toFixed(0)}/${f.bare_p99_us?.toFixed(0)}; added p99 / bare p99 ${r.toFixed(2)} ${r <= ratioLimit ? 'PASS' : 'MISS'}; lost ${f.lost} non-200 ${f.non200} failed ${f.failed}`,
        );
      }
    },
    async () => {
      load?.close();
      await closeReceiver();
      await server?.stop();
    },
  );
  write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  const code = exitCode(runs, harnessErrors, log);
  const refused = runs.some((r) => (r.figures?.non200 ?? 0) > 0 || (r.figures?.failed ?? 0) > 0);
  if (code === 0 && refused) {
    log('FAIL: HTTP publish answered other than 200, or requests failed');
    return 3;
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench:http-api failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
