/**
 * `pnpm bench:emitter [--quick] [--reps N] [--profile]`
 *
 * A publisher process with no sockets (ours: `createEmitter`; Socket.IO: `@socket.io/redis-emitter`;
 * the raw baseline: a bare ioredis `PUBLISH`) publishes to users and to threads (rooms) of N
 * clients spread over two server instances (ours + `@ws/scaling-redis`; Socket.IO +
 * `@socket.io/redis-adapter`; raw ws + one ioredis relay channel), each its own process, over one
 * redis-server this runner starts on a free 127.0.0.1 port. Figure: total CPU of the two
 * instances and the publisher per delivered message (Redis reported beside it), paced (one send
 * per timer turn) and in bursts, stacks interleaved (ours, raw, Socket.IO, ours, ...). Every client
 * counts every sequence number: a lost, duplicated or misdelivered message is reported and makes
 * the run exit 3 (for ours). Writes results/emitter.{md,json} (quick: results/quick.emitter.*).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerHandle } from '../child.js';
import { spawnServer } from '../child.js';
import { exitCode, guardRun, runContext } from '../guard.js';
import { buildServers } from '../build.js';
import type { BenchClient, ClientCounters, MessageSink } from '../clients.js';
import { closeAll, connectClients, eachLimited } from '../clients.js';
import type { RedisHandle } from '../redis.js';
import { startRedis } from '../redis.js';
import type { MetricDef, RunRecord, ScenarioMeta, TargetDef } from '../report.js';
import { summarizeScenario, toMarkdown } from '../report.js';
import type { Figures } from '../scenarios.js';
import { latencyBuffer, summarize } from '../stats.js';
import { runMeta } from '../versions.js';
import type { Layout, Phase } from './plan.js';
import { memberOf, threadName, threadOf, userOf, wallMs } from './plan.js';

type Kind = 'ours' | 'raw' | 'sio';

interface Sizes {
  readonly reps: number;
  readonly layout: Layout;
  /** Sent and checked before the measured phases (JIT, connections, subscriptions warm). */
  readonly warmup: readonly Omit<Phase, 'from'>[];
  readonly phases: readonly Omit<Phase, 'from'>[];
  readonly deadlineMs: number;
}

const fullSizes: Sizes = {
  reps: 5,
  layout: { users: 1000, threads: 10 },
  warmup: [
    { name: 'warm-users', target: 'users', mode: 'burst', count: 2000, batch: 200, intervalMs: 0 },
    {
      name: 'warm-threads',
      target: 'threads',
      mode: 'burst',
      count: 100,
      batch: 10,
      intervalMs: 0,
    },
  ],
  phases: [
    { name: 'users_paced', target: 'users', mode: 'paced', count: 1000, batch: 1, intervalMs: 2 },
    {
      name: 'users_burst',
      target: 'users',
      mode: 'burst',
      count: 20_000,
      batch: 500,
      intervalMs: 0,
    },
    {
      name: 'threads_paced',
      target: 'threads',
      mode: 'paced',
      // 5 s: at 2 s the per-repetition ratio ranged 0.93-1.24 (wake-ups dominate a paced phase).
      count: 500,
      batch: 1,
      intervalMs: 10,
    },
    {
      name: 'threads_burst',
      target: 'threads',
      mode: 'burst',
      count: 400,
      batch: 20,
      intervalMs: 0,
    },
  ],
  deadlineMs: 10 * 60_000,
};

const quickSizes: Sizes = {
  reps: 1,
  layout: { users: 200, threads: 4 },
  warmup: [
    { name: 'warm-users', target: 'users', mode: 'burst', count: 400, batch: 100, intervalMs: 0 },
    { name: 'warm-threads', target: 'threads', mode: 'burst', count: 40, batch: 10, intervalMs: 0 },
  ],
  phases: [
    { name: 'users_paced', target: 'users', mode: 'paced', count: 200, batch: 1, intervalMs: 2 },
    { name: 'users_burst', target: 'users', mode: 'burst', count: 4000, batch: 200, intervalMs: 0 },
    {
      name: 'threads_paced',
      target: 'threads',
      mode: 'paced',
      count: 50,
      batch: 1,
      intervalMs: 10,
    },
    {
      name: 'threads_burst',
      target: 'threads',
      mode: 'burst',
      count: 100,
      batch: 10,
      intervalMs: 0,
    },
  ],
  deadlineMs: 3 * 60_000,
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU time of a process that is not ours to ask (redis-server), in us; 10 ms resolution. */
function procCpuUs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Voluntary context switches of a process's main thread (/proc/<pid>/status): one per time the
 * event loop went to sleep and was woken, the fixed cost that dominates a paced phase.
 */
function procWakeups(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Stack {
  readonly instances: readonly ServerHandle[];
  readonly publisher: ServerHandle;
  readonly redisPid: number | undefined;
}

/** Numbers the phases one after the other: each sequence number belongs to one phase. */
function numbered(phases: readonly Omit<Phase, 'from'>[], from: number): Phase[] {
  let next = from;
  return phases.map((p) => {
    const phase = { ...p, from: next };
    next += p.count;
    return phase;
  });
}

/** One repetition of one stack: connect, join, warm up, then every measured phase. */
async function measure(kind: Kind, stack: Stack, sizes: Sizes): Promise<Figures> {
  const { layout } = sizes;
  const n = layout.users;
  const members = new Uint32Array(layout.threads);
  for (let i = 0; i < n; i++) members[memberOf(layout, i)]! += 1;
  const warm = numbered(sizes.warmup, 0);
  const phases = numbered(
    sizes.phases,
    warm.reduce((s, p) => s + p.count, 0),
  );
  const all = [...warm, ...phases];
  const total = all.reduce((s, p) => s + p.count, 0);
  const phaseOf = new Uint8Array(total);
  all.forEach((p, k) => phaseOf.fill(k, p.from, p.from + p.count));
  const expectedOf = (seq: number): number =>
    all[phaseOf[seq]!]!.target === 'users' ? 1 : members[threadOf(layout, seq)]!;

  const counts = new Uint16Array(total);
  let delivered = 0;
  let duplicates = 0;
  let misdelivered = 0;
  let lastAt = 0;
  let lat = latencyBuffer(100_000);
  let onDelivered = (): void => {};
  const sink: MessageSink = {
    current: (i, seq, sentAt) => {
      if (seq < 0 || seq >= total) return;
      const phase = all[phaseOf[seq]!]!;
      const right =
        phase.target === 'users'
          ? userOf(layout, seq) === i
          : memberOf(layout, i) === threadOf(layout, seq);
      if (!right) {
        misdelivered += 1;
        return;
      }
      const c = ++counts[seq]!;
      if (c > expectedOf(seq)) {
        duplicates += 1;
        return;
      }
      delivered += 1;
      lastAt = performance.now();
      lat.add((wallMs() - sentAt) * 1000);
      onDelivered();
    },
  };
  const counters: ClientCounters = { errors: 0, unexpectedCloses: 0 };
  const clients: BenchClient[] = await connectClients({
    kind,
    ports: stack.instances.map((s) => s.port),
    count: n,
    userPrefix: 'u',
    sink,
    counters,
  });
  const figures: Figures = { clients: n, threads: layout.threads };
  let failed = 0;
  let unheard = 0;
  let lost = 0;
  try {
    await eachLimited(clients, 100, (c) => c.join(threadName(memberOf(layout, c.index))));
    await sleep(300);
    const measured = [stack.publisher, ...stack.instances];
    for (const phase of all) {
      const isWarm = warm.includes(phase);
      const expected = phase.target === 'users' ? phase.count : phaseExpected(phase);
      const before = delivered;
      lat = latencyBuffer(100_000);
      let opened = false;
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 15_000 + expected / 5);
        onDelivered = () => {
          if (!opened && delivered - before >= expected) {
            opened = true;
            clearTimeout(timer);
            resolve();
          }
        };
      });
      await Promise.all(measured.map((s) => s.cpuStart()));
      const redis0 = procCpuUs(stack.redisPid);
      const wakeups0 = measured.map((s) => procWakeups(s.pid));
      const t0 = performance.now();
      const answer = await stack.publisher.request('send', { phase }, 120_000);
      await done;
      const [pub, ...inst] = await Promise.all(measured.map((s) => s.cpuStop()));
      const redisUs = procCpuUs(stack.redisPid) - redis0;
      const wakeups = measured.map((s, k) => procWakeups(s.pid) - wakeups0[k]!);
      onDelivered = () => {};
      const got = delivered - before;
      const sent = answer.value as { failed: number; unheard: number; firstError?: string };
      failed += sent.failed;
      unheard += sent.unheard;
      lost += expected - Math.min(expected, got);
      if (sent.firstError) process.stderr.write(`${kind} ${phase.name}: ${sent.firstError}\n`);
      if (isWarm) continue;
      const instUs = inst.reduce((s, c) => s + c.cpuUs, 0);
      const per = Math.max(1, got);
      const name = phase.name;
      figures[`${name}_cpu_us_per_msg`] = (instUs + pub!.cpuUs) / per;
      figures[`${name}_inst_us_per_msg`] = instUs / per;
      figures[`${name}_emitter_us_per_msg`] = pub!.cpuUs / per;
      figures[`${name}_redis_us_per_msg`] = redisUs / per;
      figures[`${name}_emitter_wakeups_per_send`] = wakeups[0]! / phase.count;
      figures[`${name}_inst_wakeups_per_send`] =
        wakeups.slice(1).reduce((s, n) => s + n, 0) / phase.count;
      figures[`${name}_msgs_per_s`] =
        got / (((lastAt > t0 ? lastAt : performance.now()) - t0) / 1000);
      figures[`${name}_p50_ms`] = lat.p(50) / 1000;
      figures[`${name}_p99_ms`] = lat.p(99) / 1000;
    }
    await sleep(200); // late duplicates
    return {
      ...figures,
      lost,
      duplicates,
      misdelivered,
      failed,
      unheard,
      errors: counters.errors + counters.unexpectedCloses,
    };
  } finally {
    closeAll(clients);
  }

  function phaseExpected(phase: Phase): number {
    let sum = 0;
    for (let seq = phase.from; seq < phase.from + phase.count; seq++) sum += expectedOf(seq);
    return sum;
  }
}

function metricsFor(sizes: Sizes): MetricDef[] {
  const out: MetricDef[] = [];
  for (const p of sizes.phases) {
    const what = `${p.target} ${p.mode === 'paced' ? `paced (1 per ${p.intervalMs} ms)` : `burst (${p.batch} per turn)`}`;
    out.push(
      {
        key: `${p.name}_cpu_us_per_msg`,
        label: `${what}: CPU us / delivered msg (2 instances + emitter)`,
        ratio: true,
        digits: 2,
        headline: true,
      },
      { key: `${p.name}_inst_us_per_msg`, label: `  of which instances`, ratio: true, digits: 2 },
      { key: `${p.name}_emitter_us_per_msg`, label: `  of which emitter`, ratio: true, digits: 2 },
      {
        key: `${p.name}_redis_us_per_msg`,
        label: `  redis-server (not in the total; 10 ms resolution)`,
        ratio: true,
        digits: 2,
      },
      {
        key: `${p.name}_inst_wakeups_per_send`,
        label: `${what}: event-loop wake-ups per send (2 instances)`,
        ratio: true,
        digits: 2,
      },
      {
        key: `${p.name}_emitter_wakeups_per_send`,
        label: `${what}: event-loop wake-ups per send (emitter)`,
        ratio: true,
        digits: 2,
      },
      { key: `${p.name}_msgs_per_s`, label: `${what}: delivered msgs/s`, ratio: true, digits: 0 },
      { key: `${p.name}_p50_ms`, label: `${what}: latency p50 ms`, digits: 2 },
      { key: `${p.name}_p99_ms`, label: `${what}: latency p99 ms`, digits: 2 },
    );
  }
  out.push(
    {
      key: 'lost',
      label: 'lost messages (all phases, warm-up included)',
      digits: 0,
      headline: true,
    },
    { key: 'duplicates', label: 'duplicates', digits: 0 },
    { key: 'misdelivered', label: 'misdelivered', digits: 0 },
    { key: 'failed', label: 'sends answered failed (ours)', digits: 0 },
    { key: 'unheard', label: 'sends no instance received (ours)', digits: 0 },
    { key: 'errors', label: 'error frames / unexpected closes', digits: 0 },
  );
  return out;
}

function targetsFor(sizes: Sizes): TargetDef[] {
  return [
    ...sizes.phases.map((p): TargetDef => ({
      name: `${p.name.replace('_', ' ')}: total CPU/msg vs Socket.IO + redis-emitter`,
      metric: `${p.name}_cpu_us_per_msg`,
      against: 'sio',
      kind: 'max',
      limit: 0.8,
    })),
    { name: 'lost messages', metric: 'lost', against: 'abs', kind: 'max', limit: 0 },
  ];
}

/** ours / `against` of each repetition (the runs of one repetition are neighbours in time). */
function pairRatios(runs: readonly RunRecord[], key: string, against: Kind): number[] {
  const out: number[] = [];
  for (const r of runs) {
    if (r.server !== 'ours' || !r.figures) continue;
    const s = runs.find((x) => x.server === against && x.rep === r.rep && x.figures);
    const a = r.figures[key];
    const b = s?.figures?.[key];
    if (a !== undefined && b !== undefined && b > 0) out.push(a / b);
  }
  return out;
}

function parseArgs(argv: readonly string[]): { quick: boolean; reps?: number; profile: boolean } {
  const i = argv.findIndex((a) => a === '--reps' || a.startsWith('--reps='));
  const raw = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const reps = raw === undefined ? undefined : Math.max(1, Math.min(15, Number(raw) || 1));
  return {
    quick: argv.includes('--quick'),
    ...(reps === undefined ? {} : { reps }),
    profile: argv.includes('--profile'),
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? quickSizes : fullSizes;
  const sizes: Sizes = { ...base, reps: args.reps ?? base.reps };
  const kinds: readonly Kind[] = ['ours', 'raw', 'sio'];
  const { resultsDir, registry, started, loadBefore, harnessErrors, runs, log } =
    runContext('emitter');
  const outName = args.quick ? 'quick.emitter' : 'emitter';
  const { users, threads } = sizes.layout;
  const def: ScenarioMeta = {
    id: 'emitter',
    title: `Emitter to ${users} clients over 2 instances + Redis`,
    description: `A publisher process with no sockets (ours: \`createEmitter\`, thread messages appended to history with an offset; raw: one fire-and-forget \`PUBLISH\` per send on the one channel every raw ws instance hears, no history; Socket.IO: \`@socket.io/redis-emitter\`) sends ~100-byte messages to single users (one delivery each, alternating between the instances) and to ${threads} threads / rooms of ${users / threads} members each (half on each instance). Paced: one send per timer turn; burst: a batch of sends in one event-loop turn, then wait for Redis to answer them. CPU: \`process.cpuUsage()\` of both instances and the publisher, per delivered message; redis-server's CPU (from /proc) is shown beside it, not in the total.`,
    servers: kinds,
    labels: {
      ours: 'ours: scaling-redis + createEmitter',
      raw: 'raw ws + ioredis relay (no history)',
      sio: 'Socket.IO: redis-adapter + redis-emitter',
    },
    metrics: metricsFor(sizes),
    targets: targetsFor(sizes),
  };

  const write = (): void => {
    const result = summarizeScenario(def, runs);
    const meta = runMeta({
      quick: args.quick,
      started,
      loadBefore,
      reps: sizes.reps,
      harnessErrors,
      packages: ['@socket.io/redis-emitter'],
    });
    const pairs = sizes.phases.map((p) => {
      const key = `${p.name}_cpu_us_per_msg`;
      const ratios = pairRatios(runs, key, 'sio');
      const rawRatios = pairRatios(runs, key, 'raw');
      return {
        phase: p.name,
        ratios,
        median: summarize(ratios),
        rawRatios,
        rawMedian: summarize(rawRatios),
      };
    });
    const cell = (m: ReturnType<typeof summarize>, ratios: readonly number[]): string =>
      `${m ? `${m.median.toFixed(2)}x (${m.min.toFixed(2)}-${m.max.toFixed(2)})` : 'n/a'} | ${ratios.map((r) => r.toFixed(2)).join(', ')}`;
    const lines = [
      '## Ours / Socket.IO and ours / raw per repetition (total CPU per delivered message)',
      '',
      '| phase | ours / Socket.IO: median of the per-repetition ratios (min-max) | each repetition | ours / raw: median (min-max) | each repetition |',
      '|---|---|---|---|---|',
      ...pairs.map(
        (x) => `| ${x.phase} | ${cell(x.median, x.ratios)} | ${cell(x.rawMedian, x.rawRatios)} |`,
      ),
      '',
    ];
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, result, pairs, runs }, null, 2)}\n`,
    );
    writeFileSync(
      `${resultsDir}${outName}.md`,
      `${toMarkdown(meta, [result]).replace('# Benchmark results', '# Emitter benchmark results')}\n${lines.join('\n')}`,
    );
    for (const t of result.targets) {
      const mark = t.met === undefined ? 'n/a ' : t.met ? 'ok  ' : 'MISS';
      log(`${mark} ${t.name}: ${t.value === undefined ? 'n/a' : t.value.toFixed(2)} (${t.limit})`);
    }
    for (const x of pairs)
      log(
        `${x.phase}: per-repetition ours/sio ${x.ratios.map((r) => r.toFixed(2)).join(' ')}, ours/raw ${x.rawRatios.map((r) => r.toFixed(2)).join(' ')}`,
      );
  };

  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });

  let redis: RedisHandle | undefined;
  await guard.run(
    async () => {
      const buildDir = await buildServers([
        fileURLToPath(new URL('./publisher.ts', import.meta.url)),
      ]);
      redis = await startRedis(registry);
      log(`redis-server on port ${redis.port}`);
      let runIndex = 0;
      for (let rep = 0; rep < sizes.reps && !guard.hit(); rep++) {
        for (const kind of kinds) {
          runIndex += 1;
          const env: Record<string, string> = {
            BENCH_KEY_PREFIX: `emit${runIndex}`,
            BENCH_REDIS_PORT: String(redis.port),
            BENCH_USERS: String(users),
            BENCH_THREADS: String(threads),
          };
          const profileDir = args.profile
            ? `${resultsDir}profiles/emitter-${rep}-${kind}`
            : undefined;
          if (profileDir) mkdirSync(profileDir, { recursive: true });
          const started: ServerHandle[] = [];
          try {
            for (let i = 0; i < 2; i++)
              started.push(await spawnServer(registry, kind, { env, profileDir, buildDir }));
            const publisher = await spawnServer(registry, kind, {
              env: { ...env, BENCH_EMITTER_KIND: kind },
              profileDir,
              buildDir,
              entry: 'publisher',
            });
            started.push(publisher);
            const figures = await measure(
              kind,
              { instances: started.slice(0, 2), publisher, redisPid: redis.pid },
              sizes,
            );
            runs.push({ scenario: def.id, server: kind, rep, figures });
            log(
              `rep ${rep + 1}/${sizes.reps} ${kind}: ${Object.entries(figures)
                .filter(([k]) => /_cpu_us_per_msg|lost|dupl|misdel|failed/.test(k))
                .map(
                  ([k, v]) =>
                    `${k.replace('_cpu_us_per_msg', '')}=${Number.isInteger(v) ? v : v.toFixed(2)}`,
                )
                .join(' ')}`,
            );
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            runs.push({ scenario: def.id, server: kind, rep, error: message });
            harnessErrors.push(`rep ${rep + 1} ${kind}: ${message}`);
            log(`rep ${rep + 1} ${kind}: ERROR ${message}`);
          } finally {
            await Promise.all(started.map((s) => s.stop()));
          }
        }
      }
    },
    async () => {
      await redis?.stop();
    },
  );
  write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  return exitCode(runs, harnessErrors, log);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench:emitter failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
