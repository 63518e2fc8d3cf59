/**
 * `pnpm --filter bench bench:lifecycle [--quick] [--reps N] [--connections N]`
 *
 * What the Redis lifecycle stream (`redisCluster({ lifecycle: lifecycleStream() })`) costs a
 * connect, a join, a leave and a disconnect: the same paced phases over real WebSockets against
 * one server process on `redisCluster` and one redis-server, without `lifecycle` (the baseline)
 * and with it. Variants interleaved, 3 repetitions (quick: 1, 300 connections), medians. Figures
 * per operation: server CPU, Redis calls (INFO commandstats) and CPU, connect and ack latency;
 * the stream's length at the end against the events expected. Writes
 * results/lifecycle.{md,json} (quick: results/quick.lifecycle.*). Exit codes: 0 done, 1 harness
 * error, 3 the stream or the list of announced connections is not what was written, an error
 * frame, a refused or unanswered join or leave, a connection left open.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildServers } from '../build.js';
import { exitCode, guardRun, runContext, runMain } from '../guard.js';
import type { RedisStats } from '../presence/redisStats.js';
import { redisStats } from '../presence/redisStats.js';
import type { VariantRecord } from '../repetitions.js';
import { runInterleaved } from '../repetitions.js';
import type { Figures } from '../scenarios.js';
import type { RedisHandle } from '../redis.js';
import { startRedis } from '../redis.js';
import { runMeta } from '../versions.js';
import type { Sizes, Variant } from './plan.js';
import { expectedEvents, fullSizes, quickSizes, variants } from './plan.js';
import { toMarkdown, variantLabel } from './results.js';
import { runVariant } from './runVariant.js';
import type { StreamProbe } from './streamProbe.js';
import { streamProbe } from './streamProbe.js';

function sizesFrom(argv: readonly string[]): { quick: boolean; sizes: Sizes } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const base = values.quick ? quickSizes : fullSizes;
  const bounded = (raw: string | undefined, fallback: number, max: number): number =>
    raw === undefined ? fallback : Math.max(1, Math.min(max, Math.floor(Number(raw)) || 1));
  return {
    quick: values.quick,
    sizes: {
      ...base,
      reps: bounded(values.reps, base.reps, 10),
      connections: bounded(values.connections, base.connections, 10_000),
    },
  };
}

function describe(sizes: Sizes): string {
  const n = sizes.connections.toLocaleString('en-US');
  const w = sizes.warmup.toLocaleString('en-US');
  const { open, end } = expectedEvents(variants[1]!, sizes);
  return `One server process (\`createManager\` on \`redisCluster\` over one redis-server, core's presence on by default; \`attach\` from \`@ws/protocols/ws\`) and ${n} real \`ws\` connections from the runner, one user each. Per repetition and variant: a fresh server over an emptied Redis (FLUSHALL, CONFIG RESETSTAT), warmed up by ${w} connections through the same four steps (not measured), then four phases at ${sizes.perSecond.toLocaleString('en-US')}/s each, paced (every operation due in a timer turn is sent in it: one per turn at this rate): ${n} connects (each timed from \`new WebSocket\` to its \`welcome\`), ${n} \`join\` frames to one thread (each waits for its ack), ${n} \`leave\` frames, ${n} closes (the client terminates its socket; the phase ends when the server counts no connection). Each phase is measured from its first operation to ${sizes.settleMs} ms after its last answer: server CPU (\`process.cpuUsage()\`), Redis calls (INFO commandstats, INFO left out; the instance's heartbeat is in both variants alike) and CPU (used_cpu_user + sys). Checked outside the measurements: \`XLEN\` of the stream (with lifecycle ${open.toLocaleString('en-US')} after the connects and ${end.toLocaleString('en-US')} at the end, the warm-up's included; 0 without) and \`HLEN\` of the instance's \`lconns\` list (${n} after the connects, 0 at the end). Baseline: the same adapter without \`lifecycle\`.`;
}

const failureKeys = [
  'stream_mismatch',
  'errors',
  'join_refused',
  'leave_refused',
  'join_unanswered',
  'leave_unanswered',
  'disconnect_left',
] as const;

async function main(): Promise<number> {
  const { quick, sizes } = sizesFrom(process.argv.slice(2));
  const { resultsDir, registry, started, loadBefore, harnessErrors, log } = runContext('lifecycle');
  const runs: VariantRecord[] = [];
  const outName = `${quick ? 'quick.' : ''}lifecycle`;
  log(`load average at the start: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
  const write = (): void => {
    const meta = runMeta({ quick, started, loadBefore, reps: sizes.reps, harnessErrors });
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, variants, runs }, null, 2)}\n`,
    );
    writeFileSync(`${resultsDir}${outName}.md`, toMarkdown(meta, describe(sizes), runs));
  };
  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });
  let redis: RedisHandle | undefined;
  let readers: { readonly stats: RedisStats; readonly probe: StreamProbe } | undefined;
  await guard.run(
    async () => {
      const entry = fileURLToPath(new URL('./lifecycleServer.ts', import.meta.url));
      const buildDir = await buildServers([entry]);
      redis = await startRedis(registry);
      readers = { stats: redisStats(redis.port), probe: streamProbe(redis.port) };
      const { stats, probe } = readers;
      const rig = { registry, buildDir, redisPort: redis.port, redis: stats, probe, sizes };
      log(
        `redis-server on port ${redis.port}; ${sizes.connections} connections, ${sizes.reps} reps`,
      );
      const interleaving = {
        reps: sizes.reps,
        variants,
        hit: guard.hit,
        runs,
        harnessErrors,
        log,
        line: (v: Variant, f: Figures) =>
          `${variantLabel(v)}: server CPU us per connect ${f.connect_cpu_us?.toFixed(1)}, join ${f.join_cpu_us?.toFixed(1)}, leave ${f.leave_cpu_us?.toFixed(1)}, disconnect ${f.disconnect_cpu_us?.toFixed(1)}; Redis calls ${f.connect_redis_cmds?.toFixed(2)} / ${f.join_redis_cmds?.toFixed(2)} / ${f.leave_redis_cmds?.toFixed(2)} / ${f.disconnect_redis_cmds?.toFixed(2)}; XLEN ${f.stream_length} of ${f.stream_expected}`,
      };
      await runInterleaved(interleaving, (v) => runVariant(rig, v));
    },
    async () => {
      readers?.probe.close();
      readers?.stats.close();
      await redis?.stop();
    },
  );
  write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  const code = exitCode([], harnessErrors, log);
  const broken = runs.filter((r) => failureKeys.some((k) => (r.figures?.[k] ?? 0) > 0));
  if (code === 0 && broken.length > 0) {
    log(
      `FAIL: ${broken.map((r) => `${r.variant} rep ${r.rep + 1}`).join(', ')}: the stream's length or the lconns list was not what was written, or a request failed`,
    );
    return 3;
  }
  return code;
}

runMain('bench:lifecycle', main);
