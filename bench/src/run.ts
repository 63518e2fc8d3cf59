/**
 * `pnpm bench [--quick] [--reps N] [--only id,id] [--servers ours,raw,sio] [--profile]`
 *
 * One load-generator process (this one) against servers that each run in their own process on
 * 127.0.0.1, interleaved (A B C A B C) and repeated; writes results/latest.{md,json} (quick runs:
 * results/quick.{md,json}). Exit codes: 0 done (missed performance targets are reported, not
 * failed), 1 harness error (a server or run failed, deadline passed), 3 our server lost,
 * duplicated or misdelivered messages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ServerHandle, ServerKind } from './child.js';
import { spawnServer } from './child.js';
import { exitCode, guardRun, runContext } from './guard.js';
import { buildServers } from './build.js';
import type { Sizes } from './config.js';
import { fullSizes, quickSizes } from './config.js';
import { runMeta } from './versions.js';
import type { RedisHandle } from './redis.js';
import { startRedis } from './redis.js';
import type { ScenarioMeta, ScenarioResult } from './report.js';
import { summarizeScenario, toMarkdown } from './report.js';
import type { Figures } from './scenarios.js';
import { fanout, idle, targeted } from './scenarios.js';

interface Args {
  readonly quick: boolean;
  readonly reps: number | undefined;
  readonly only: readonly string[] | undefined;
  readonly servers: readonly ServerKind[] | undefined;
  readonly profile: boolean;
  readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const a = argv[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
  };
  const reps = value('--reps');
  const only = value('--only');
  const servers = value('--servers');
  return {
    quick: argv.includes('--quick'),
    reps: reps === undefined ? undefined : Math.max(1, Math.min(20, Number(reps) || 1)),
    only: only?.split(',').filter(Boolean),
    servers: servers
      ?.split(',')
      .filter((s): s is ServerKind => s === 'ours' || s === 'raw' || s === 'sio'),
    profile: argv.includes('--profile'),
    verbose: argv.includes('--verbose'),
  };
}

const single: Record<ServerKind, string> = {
  ours: 'ours (core + protocols + heartbeat)',
  raw: 'raw ws (room loop)',
  sio: 'Socket.IO 4',
};
const clustered: Record<ServerKind, string> = {
  ours: 'ours + scaling-redis',
  raw: 'raw ws + ioredis relay',
  sio: 'Socket.IO + redis-adapter',
};

interface ScenarioDef extends ScenarioMeta {
  readonly instances: number;
  readonly redis: boolean;
  readonly heartbeatMs?: number;
  /** Servers whose failure is reported as "not available" instead of a harness error. */
  readonly optional?: readonly ServerKind[];
  run(kind: ServerKind, servers: readonly ServerHandle[]): Promise<Figures>;
}

const fanoutMetrics = [
  {
    key: 'burst_msgs_per_s',
    label: 'burst: delivered msgs/s',
    ratio: true,
    digits: 0,
    headline: true,
  },
  {
    key: 'burst_cpu_us_per_msg',
    label: 'burst: server CPU us / delivered msg',
    ratio: true,
    digits: 2,
    headline: true,
  },
  { key: 'burst_p50_ms', label: 'burst: latency p50 ms', digits: 1 },
  { key: 'burst_p99_ms', label: 'burst: latency p99 ms', digits: 1 },
  {
    key: 'paced_cpu_us_per_msg',
    label: 'paced: server CPU us / delivered msg',
    ratio: true,
    digits: 2,
    headline: true,
  },
  { key: 'paced_p50_ms', label: 'paced: latency p50 ms', ratio: true, digits: 2 },
  { key: 'paced_p99_ms', label: 'paced: latency p99 ms', ratio: true, digits: 2, headline: true },
  { key: 'lost', label: 'lost messages', digits: 0, headline: true },
  { key: 'duplicates', label: 'duplicates', digits: 0 },
  { key: 'errors', label: 'error frames / unexpected closes', digits: 0 },
];

function fanoutTargets(): ScenarioMeta['targets'] {
  return [
    {
      name: 'burst CPU/msg vs raw ws',
      metric: 'burst_cpu_us_per_msg',
      against: 'raw',
      kind: 'max',
      limit: 1.0,
    },
    {
      name: 'burst CPU/msg vs raw ws (aim)',
      metric: 'burst_cpu_us_per_msg',
      against: 'raw',
      kind: 'max',
      limit: 0.5,
    },
    {
      name: 'paced CPU/msg vs raw ws',
      metric: 'paced_cpu_us_per_msg',
      against: 'raw',
      kind: 'max',
      limit: 1.0,
    },
    {
      name: 'burst msgs/s vs raw ws',
      metric: 'burst_msgs_per_s',
      against: 'raw',
      kind: 'min',
      limit: 0.9,
    },
    {
      name: 'burst msgs/s vs Socket.IO',
      metric: 'burst_msgs_per_s',
      against: 'sio',
      kind: 'min',
      limit: 1.0,
    },
    { name: 'lost messages', metric: 'lost', against: 'abs', kind: 'max', limit: 0 },
  ];
}

function scenarios(sizes: Sizes): ScenarioDef[] {
  const three: ServerKind[] = ['ours', 'raw', 'sio'];
  return [
    {
      id: 'fanout-small',
      title: `(1) Fan-out, ${sizes.fanoutSmall.clients} clients in one thread`,
      description: `Every client joins one thread; client 0 publishes ~100-byte messages that the server delivers to all ${sizes.fanoutSmall.clients}. Paced phase: ${sizes.fanoutSmall.pacedMessages} messages at ${sizes.fanoutSmall.pacedRate}/s (latency without backlog). Burst phase: ${sizes.fanoutSmall.burstMessages} messages with up to ${sizes.fanoutSmall.window} in flight (throughput).`,
      servers: three,
      labels: single,
      instances: 1,
      redis: false,
      metrics: fanoutMetrics,
      targets: fanoutTargets(),
      run: (kind, s) => fanout(kind, s, sizes.fanoutSmall),
    },
    {
      id: 'fanout-large',
      title: `(1) Fan-out, ${sizes.fanoutLarge.clients} clients in one thread`,
      description: `As above with ${sizes.fanoutLarge.clients} clients. Paced: ${sizes.fanoutLarge.pacedMessages} messages at ${sizes.fanoutLarge.pacedRate}/s. Burst: ${sizes.fanoutLarge.burstMessages} messages, up to ${sizes.fanoutLarge.window} in flight.`,
      servers: three,
      labels: single,
      instances: 1,
      redis: false,
      metrics: fanoutMetrics,
      targets: fanoutTargets(),
      run: (kind, s) => fanout(kind, s, sizes.fanoutLarge),
    },
    {
      id: 'targeted',
      title: `(2) Targeted sends, ${sizes.targeted.users} users`,
      description: `Client 0 sends ${sizes.targeted.messages} direct messages, each to one random user of ${sizes.targeted.users}, with up to ${sizes.targeted.window} in flight; the server routes each to that user's connection (ours: \`direct\` frames; Socket.IO: a room per user; raw ws: a user map).`,
      servers: three,
      labels: single,
      instances: 1,
      redis: false,
      metrics: [
        { key: 'msgs_per_s', label: 'delivered msgs/s', ratio: true, digits: 0, headline: true },
        {
          key: 'cpu_us_per_msg',
          label: 'server CPU us / delivered msg',
          ratio: true,
          digits: 2,
          headline: true,
        },
        { key: 'user_us_per_msg', label: '  of which user-space us', ratio: true, digits: 2 },
        { key: 'sys_us_per_msg', label: '  of which kernel us', ratio: true, digits: 2 },
        { key: 'p50_ms', label: 'latency p50 ms', digits: 1 },
        { key: 'p99_ms', label: 'latency p99 ms', digits: 1 },
        { key: 'lost', label: 'lost messages', digits: 0, headline: true },
        { key: 'misdelivered', label: 'misdelivered', digits: 0 },
        { key: 'duplicates', label: 'duplicates', digits: 0 },
        { key: 'errors', label: 'error frames / unexpected closes', digits: 0 },
      ],
      targets: [
        {
          name: 'CPU/msg vs raw ws',
          metric: 'cpu_us_per_msg',
          against: 'raw',
          kind: 'max',
          limit: 1.0,
        },
        { name: 'msgs/s vs raw ws', metric: 'msgs_per_s', against: 'raw', kind: 'min', limit: 0.9 },
        {
          name: 'msgs/s vs Socket.IO',
          metric: 'msgs_per_s',
          against: 'sio',
          kind: 'min',
          limit: 1.0,
        },
        { name: 'lost messages', metric: 'lost', against: 'abs', kind: 'max', limit: 0 },
      ],
      run: (kind, s) => targeted(kind, s[0]!, sizes.targeted),
    },
    {
      id: 'idle',
      title: `(3)+(5) ${sizes.idle.connections} idle connections: memory, accept cost, heartbeat`,
      description: `Connects ${sizes.idle.connections} clients (200 handshakes in flight): server CPU per accepted connection. Then (5), heartbeat cost: the 1 s heartbeat is started over the connections that are all up (ours: \`@ws/heartbeat\` with intervalMs ${sizes.idle.heartbeatIntervalMs}, timeoutMs ${sizes.idle.heartbeatIntervalMs * 0.9}; raw ws: the classic ping sweep at the same interval), and the server's CPU is measured over ${sizes.idle.heartbeatWindowMs / 1000} s with every connection idle. Last, RSS and JS heap after GC (\`--expose-gc\`, two full GCs) per connection, heartbeat on. Socket.IO runs its default heartbeat (25 s) and is measured for memory and accept cost only.`,
      servers: three,
      labels: single,
      instances: 1,
      redis: false,
      heartbeatMs: sizes.idle.heartbeatIntervalMs,
      metrics: [
        {
          key: 'rss_kib_per_conn',
          label: 'RSS after GC per connection, KiB',
          ratio: true,
          digits: 2,
          headline: true,
        },
        {
          key: 'heap_kib_per_conn',
          label: 'JS heap after GC per connection, KiB',
          ratio: true,
          digits: 2,
          headline: true,
        },
        {
          key: 'cpu_us_per_accept',
          label: 'server CPU us per accepted connection',
          ratio: true,
          digits: 0,
          headline: true,
        },
        { key: 'connect_s', label: `time to connect all, s`, digits: 2 },
        { key: 'rss_mib_total', label: 'RSS total, MiB', digits: 1 },
        {
          key: 'hb_cpu_ms_per_s',
          label: 'heartbeat: server CPU ms per second',
          ratio: true,
          digits: 2,
          headline: true,
        },
        {
          key: 'hb_cpu_us_per_ping',
          label: 'heartbeat: server CPU us per ping',
          ratio: true,
          digits: 2,
        },
        { key: 'dropped', label: 'connections dropped', digits: 0 },
        { key: 'errors', label: 'error frames / unexpected closes', digits: 0 },
      ],
      targets: [
        {
          name: 'RSS per idle connection vs raw ws',
          metric: 'rss_kib_per_conn',
          against: 'raw',
          kind: 'maxDiff',
          limit: 2,
        },
        {
          name: 'heartbeat CPU vs raw ws ping sweep',
          metric: 'hb_cpu_ms_per_s',
          against: 'raw',
          kind: 'max',
          limit: 1.15,
        },
        { name: 'connections dropped', metric: 'dropped', against: 'abs', kind: 'max', limit: 0 },
      ],
      run: (kind, s) => idle(kind, s[0]!, sizes.idle),
    },
    {
      id: 'cross',
      title: `(4) Cross-instance fan-out, ${sizes.cross.clients} clients over 2 instances + Redis`,
      description: `Two server processes and one redis-server. Clients alternate between the instances and join one thread; client 0 (on instance A) publishes, so half the deliveries cross Redis. Paced: ${sizes.cross.pacedMessages} messages at ${sizes.cross.pacedRate}/s; burst: ${sizes.cross.burstMessages} messages, up to ${sizes.cross.window} in flight. Server CPU is the sum of both instances (Redis itself is not counted).`,
      servers: three,
      labels: clustered,
      instances: 2,
      redis: true,
      optional: ['ours'],
      metrics: fanoutMetrics,
      targets: [
        {
          name: 'burst msgs/s vs ws + ioredis relay',
          metric: 'burst_msgs_per_s',
          against: 'raw',
          kind: 'min',
          limit: 0.9,
        },
        {
          name: 'burst msgs/s vs Socket.IO + redis-adapter',
          metric: 'burst_msgs_per_s',
          against: 'sio',
          kind: 'min',
          limit: 1.0,
        },
        {
          name: 'burst CPU/msg vs ws + ioredis relay',
          metric: 'burst_cpu_us_per_msg',
          against: 'raw',
          kind: 'max',
          limit: 1.0,
        },
        { name: 'lost messages', metric: 'lost', against: 'abs', kind: 'max', limit: 0 },
      ],
      run: (kind, s) => fanout(kind, s, sizes.cross),
    },
  ];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? quickSizes : fullSizes;
  const sizes: Sizes = {
    ...base,
    reps: args.reps ?? base.reps,
    repsFor: args.reps === undefined ? base.repsFor : {},
  };
  const { resultsDir, registry, started, loadBefore, harnessErrors, runs, log } =
    runContext('bench');
  const outName = args.quick ? 'quick' : 'latest';
  let defs = scenarios(sizes);
  if (args.only) defs = defs.filter((d) => args.only!.includes(d.id));

  const write = (): { results: ScenarioResult[] } => {
    const results = defs.map((d) => summarizeScenario(d, runs));
    const meta = runMeta({
      quick: args.quick,
      started,
      loadBefore,
      reps: sizes.reps,
      harnessErrors,
    });
    writeFileSync(
      `${resultsDir}${outName}.json`,
      `${JSON.stringify({ meta, sizes, results, runs }, null, 2)}\n`,
    );
    writeFileSync(`${resultsDir}${outName}.md`, `${toMarkdown(meta, results)}\n`);
    return { results };
  };

  const guard = guardRun({ registry, deadlineMs: sizes.deadlineMs, harnessErrors, log, write });

  let redis: RedisHandle | undefined;
  let runIndex = 0;
  await guard.run(
    async () => {
      const buildDir = await buildServers();
      for (const def of defs) {
        const kinds = def.servers.filter((k) => !args.servers || args.servers.includes(k));
        if (def.redis && !redis) {
          try {
            redis = await startRedis(registry);
            log(`redis-server on port ${redis.port}`);
          } catch (err) {
            const message = `${err instanceof Error ? err.message : String(err)} (install redis-server, or leave this scenario out with --only)`;
            harnessErrors.push(`${def.id}: ${message}`);
            log(`${def.id}: ERROR ${message}`);
            for (const kind of kinds)
              runs.push({ scenario: def.id, server: kind, rep: 0, error: message });
            continue;
          }
        }
        const skip = new Set<ServerKind>();
        const reps = sizes.repsFor[def.id] ?? sizes.reps;
        for (let rep = 0; rep < reps && !guard.hit(); rep++) {
          for (const kind of kinds) {
            if (skip.has(kind)) continue;
            runIndex += 1;
            const env: Record<string, string> = { BENCH_KEY_PREFIX: `bench${runIndex}` };
            if (def.heartbeatMs !== undefined && kind !== 'sio') env.BENCH_HEARTBEAT_MS = '0';
            if (def.redis && redis) env.BENCH_REDIS_PORT = String(redis.port);
            const profileDir = args.profile
              ? `${resultsDir}profiles/${def.id}-${rep}-${kind}`
              : undefined;
            if (profileDir) mkdirSync(profileDir, { recursive: true });
            const servers: ServerHandle[] = [];
            const t0 = Date.now();
            let t1 = t0;
            try {
              for (let i = 0; i < def.instances; i++)
                servers.push(await spawnServer(registry, kind, { env, profileDir, buildDir }));
              t1 = Date.now();
              const figures = await def.run(kind, servers);
              runs.push({ scenario: def.id, server: kind, rep, figures });
              const brief = Object.entries(figures)
                .filter(([k]) =>
                  /msgs_per_s|cpu_us|_us_per_msg|p99|kib|lost|hb_cpu_ms|dropped/.test(k),
                )
                .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`)
                .join(' ');
              log(`${def.id} rep ${rep + 1}/${reps} ${kind}: ${brief}`);
            } catch (err) {
              const message = err instanceof Error ? err.message : String(err);
              runs.push({ scenario: def.id, server: kind, rep, error: message });
              if (def.optional?.includes(kind)) {
                log(`${def.id} ${kind}: NOT AVAILABLE: ${message}`);
                skip.add(kind);
              } else {
                harnessErrors.push(`${def.id} rep ${rep + 1} ${kind}: ${message}`);
                log(`${def.id} rep ${rep + 1} ${kind}: ERROR ${message}`);
              }
            } finally {
              const t2 = Date.now();
              await Promise.all(servers.map((s) => s.stop()));
              if (args.verbose) {
                log(`  timing: spawn ${t1 - t0} ms, run ${t2 - t1} ms, stop ${Date.now() - t2} ms`);
              }
            }
          }
        }
      }
    },
    async () => {
      await redis?.stop();
    },
  );
  const { results } = write();
  log(`wrote results/${outName}.md and results/${outName}.json`);
  for (const r of results) {
    for (const t of r.targets) {
      const mark = t.met === undefined ? 'n/a ' : t.met ? 'ok  ' : 'MISS';
      const v = t.value === undefined ? 'n/a' : t.value.toFixed(2);
      log(`${mark} ${r.id}: ${t.name}: ${v} (${t.limit})`);
    }
  }
  return exitCode(runs, harnessErrors, log);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
