/**
 * `pnpm --filter bench bench:presence [--quick] [--reps N] [--members N] [--watchers N,N]
 * [--profile]`
 *
 * What presence costs a join and a leave with every member in one thread (10,000; quick: 1,000):
 * the same paced joins, then leaves, over real WebSockets against one server process on
 * `redisCluster` and one redis-server, per variant: no presence (the baseline), presence with
 * nobody watching (diffs off), presence with watchers (diffs on). Variants interleaved, 3
 * repetitions (quick: 1), medians. Figures: Redis calls (INFO commandstats), server CPU, Redis
 * CPU, diff frames and bytes, ack latency per join and per leave; heap, RSS and Redis memory per
 * member. Writes results/presence.{md,json} (quick: results/quick.presence.*; --profile:
 * results/profiles/presence/, with a CPU profile of each phase). Exit codes: 0 done,
 * 1 harness error, 3 a refused or unanswered join or leave, a wrong count, an error frame.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildServers } from '../build.js';
import { exitCode, guardRun, runContext, runMain } from '../guard.js';
import type { RedisHandle } from '../redis.js';
import { startRedis } from '../redis.js';
import { runMeta } from '../versions.js';
import type { Sizes, Variant } from './plan.js';
import { fullSizes, quickSizes, variants } from './plan.js';
import type { RedisStats } from './redisStats.js';
import { redisStats } from './redisStats.js';
import type { VariantRecord } from '../repetitions.js';
import { runInterleaved } from '../repetitions.js';
import type { Figures } from '../scenarios.js';
import { toMarkdown, variantLabel } from './results.js';
import { runVariant } from './runVariant.js';

interface Args {
  readonly quick: boolean;
  readonly profile: boolean;
  readonly reps?: number;
  readonly members?: number;
  readonly watchers?: readonly number[];
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes('=') ? argv[i]!.slice(name.length + 1) : argv[i + 1];
}

function parseArgs(argv: readonly string[]): Args {
  const int = (name: string, max: number): number | undefined => {
    const raw = flagValue(argv, name);
    return raw === undefined ? undefined : Math.max(1, Math.min(max, Math.floor(Number(raw)) || 1));
  };
  const reps = int('--reps', 10);
  const members = int('--members', 15_000);
  const watchers = flagValue(argv, '--watchers')
    ?.split(',')
    .map(Number)
    .filter((w) => Number.isInteger(w) && w > 0);
  return {
    quick: argv.includes('--quick'),
    profile: argv.includes('--profile'),
    ...(reps === undefined ? {} : { reps }),
    ...(members === undefined ? {} : { members }),
    ...(watchers === undefined ? {} : { watchers }),
  };
}

function describe(sizes: Sizes): string {
  return `One server process (\`createManager\` with \`authorizePresence: () => true\`, \`presence: { diffIntervalMs: 200, fullListMax: 1000 }\`, on \`redisCluster\` over one redis-server; \`attach\` from \`@ws/protocols/ws\`) and ${sizes.members.toLocaleString('en-US')} real \`ws\` connections from the runner, one user each. Per repetition and variant: a fresh server over an emptied Redis (FLUSHALL, CONFIG RESETSTAT), every member connected (not measured), then ${sizes.members.toLocaleString('en-US')} \`join\` frames to one thread at ${sizes.perSecond.toLocaleString('en-US')}/s (each waits for its ack; the watchers are the first to join, with \`"presence": true\`), then as many \`leave\` frames in reverse order (the watchers leave last). Each phase is measured from its first request to ${sizes.settleMs} ms after its last ack: server CPU (\`process.cpuUsage()\`), Redis calls (INFO commandstats, the commands scripts run included, INFO left out; the instance's heartbeat is in every variant alike) and CPU (used_cpu_user + sys), the diff frames and bytes the watchers read, the ack latency. Memory: the server's JS heap and RSS after two GCs and Redis's used_memory, all members in against before the first join, per member. Baseline: the same adapter with presenceJoin / presenceLeave / presence / presenceCount left out, so core keeps no presence.`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? quickSizes : fullSizes;
  const sizes: Sizes = {
    ...base,
    reps: args.reps ?? base.reps,
    members: args.members ?? base.members,
    watchers: (args.watchers ?? base.watchers).filter((w) => w <= (args.members ?? base.members)),
  };
  const plan = variants(sizes);
  const { resultsDir, registry, started, loadBefore, harnessErrors, log } = runContext('presence');
  const runs: VariantRecord[] = [];
  // A profiled run's CPU figures are the profiler's too: its results go beside its profiles.
  const outName = args.profile
    ? 'profiles/presence/presence'
    : `${args.quick ? 'quick.' : ''}presence`;
  if (args.profile) mkdirSync(`${resultsDir}profiles/presence`, { recursive: true });
  log(`load average at the start: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  const write = (): void => {
    const meta = runMeta({
      quick: args.quick,
      started,
      loadBefore,
      reps: sizes.reps,
      harnessErrors,
    });
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, variants: plan, runs }, null, 2)}\n`,
    );
    writeFileSync(`${resultsDir}${outName}.md`, toMarkdown(meta, describe(sizes), plan, runs));
  };

  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });
  let redis: RedisHandle | undefined;
  let stats: RedisStats | undefined;
  await guard.run(
    async () => {
      const here = fileURLToPath(new URL('./presenceServer.ts', import.meta.url));
      const buildDir = await buildServers([here]);
      redis = await startRedis(registry);
      stats = redisStats(redis.port);
      log(`redis-server on port ${redis.port}; ${sizes.members} members, ${plan.length} variants`);
      const interleaving = {
        reps: sizes.reps,
        variants: plan,
        hit: guard.hit,
        runs,
        harnessErrors,
        log,
        line: (v: Variant, f: Figures) =>
          `${variantLabel(v)}: per join ${f.join_cpu_us?.toFixed(1)} us CPU, ${f.join_redis_cmds?.toFixed(2)} Redis calls; per leave ${f.leave_cpu_us?.toFixed(1)} us, ${f.leave_redis_cmds?.toFixed(2)} calls; heap ${f.heap_b_per_member?.toFixed(0)} B / member; diffs ${f.join_diff_frames?.toFixed(2)} frames / join`,
      };
      const port = redis.port;
      const readings = stats;
      await runInterleaved(interleaving, (v, rep) => {
        const profileDir = args.profile
          ? `${resultsDir}profiles/presence/${rep}-${v.id}`
          : undefined;
        if (profileDir) mkdirSync(profileDir, { recursive: true });
        return runVariant(
          { registry, buildDir, redisPort: port, redis: readings, sizes, profileDir },
          v,
        );
      });
    },
    async () => {
      stats?.close();
      await redis?.stop();
    },
  );
  write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  const code = exitCode([], harnessErrors, log);
  const broken = runs.some((r) => {
    const f = r.figures;
    if (!f) return false;
    const bad = [
      'join_refused',
      'leave_refused',
      'join_unanswered',
      'leave_unanswered',
      'wrong_counts',
      'errors',
    ];
    return bad.some((k) => (f[k] ?? 0) > 0);
  });
  if (code === 0 && broken) {
    log(
      'FAIL: a join or leave was refused or unanswered, a count was wrong, or an error frame came',
    );
    return 3;
  }
  return code;
}

runMain('bench:presence', main);
