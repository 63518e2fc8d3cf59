/**
 * `pnpm soak`: runs the soak server (its own process, `--expose-gc`) under churn and steady load
 * for `--warmup-minutes` + `--minutes`, compares its heap after forced GCs at the end of the
 * warm-up and after the load stopped and the TTLs ran out, and counts lost messages.
 * Exit 0 on PASS, 1 on FAIL or a harness error. Not part of CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildServers } from '../build.js';
import type { ChildRegistry, ServerHandle } from '../child.js';
import { killAll, spawnServer } from '../child.js';
import type { ClientTotals } from './client.js';
import { createLedger } from './ledger.js';
import type { LoadContext } from './load.js';
import { startLoad } from './load.js';
import { parseSoakOptions } from './options.js';
import type { SoakResult } from './report.js';
import { formatReport, verdict } from './report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function newTotals(): ClientTotals {
  return {
    opened: 0,
    closed: 0,
    connectErrors: 0,
    unexpectedCloses: 0,
    errorFrames: 0,
    sent: 0,
    received: 0,
    duplicates: 0,
  };
}

/** Sleeps `ms`, sampling the server's RSS every 5 s; returns the largest seen. */
async function watch(server: ServerHandle, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let peak = 0;
  for (let i = 0; i < 100_000 && Date.now() < end; i++) {
    const s = await server.request('stats');
    peak = Math.max(peak, Number((s.value as { rss: number }).rss));
    await sleep(Math.min(5_000, Math.max(0, end - Date.now())));
  }
  return peak;
}

async function snapshot(server: ServerHandle, dir: string, name: string): Promise<void> {
  const m = await server.request('heap-snapshot', { file: `${dir}${name}.heapsnapshot` }, 300_000);
  process.stdout.write(`soak: heap snapshot ${String(m.file)}\n`);
}

async function main(): Promise<number> {
  const options = parseSoakOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const totalMs = (options.minutes + options.warmupMinutes) * 60_000;
  const registry: ChildRegistry = { children: new Set() };
  // Hard stop: the whole run, the end waits and a margin; a hung run must not hang forever.
  const hard = setTimeout(
    () => {
      process.stderr.write('soak: hard deadline passed\n');
      killAll(registry);
      process.exit(1);
    },
    totalMs + 5 * 60_000,
  );
  hard.unref();
  const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  const entry = fileURLToPath(new URL('./server.ts', import.meta.url));
  const buildDir = await buildServers([entry]);
  const server = await spawnServer(registry, 'ours', {
    buildDir,
    entry: 'server',
    env: { SOAK_TTL_MS: String(options.ttlMs) },
  });
  try {
    const ctx: LoadContext = {
      target: { port: server.port, timeoutMs: 30_000, totals: newTotals() },
      ledger: createLedger(),
      plan: {
        clients: options.clients,
        groupSize: 10,
        publishesPerClient: 2,
        threadPool: options.threadPool,
        steadyClients: 50,
        steadyThreads: 5,
        steadyIntervalMs: 10,
        hardDeadline: Date.now() + totalMs + 60_000,
      },
      seq: 0,
      stopping: false,
      batches: 0,
      failures: [],
    };
    process.stdout.write(
      `soak: server pid ${server.pid} on 127.0.0.1:${server.port}; warm-up ${options.warmupMinutes} min\n`,
    );
    const load = startLoad(ctx);
    let peakRss = await watch(server, options.warmupMinutes * 60_000);
    const baseline = await server.gcRss();
    process.stdout.write(
      `soak: baseline heap ${(baseline.heapUsed / 1048576).toFixed(2)} MiB after ${ctx.batches} batches; running ${options.minutes} min\n`,
    );
    if (options.snapshots) await snapshot(server, resultsDir, 'soak-baseline');
    peakRss = Math.max(peakRss, await watch(server, options.minutes * 60_000));
    process.stdout.write('soak: stopping the load\n');
    await load.stop();
    // Let every session and kept message outlive its TTL, with sweeps in between.
    await sleep(options.ttlMs * 2 + 3_000);
    const end = await server.gcRss();
    if (options.snapshots) await snapshot(server, resultsDir, 'soak-end');
    const stats = await server.request('stats');
    const result: SoakResult = {
      command: `pnpm soak ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt,
      minutes: options.minutes,
      warmupMinutes: options.warmupMinutes,
      clients: options.clients,
      ttlMs: options.ttlMs,
      threadPool: options.threadPool,
      baseline,
      end,
      peakRss,
      batches: ctx.batches,
      totals: ctx.target.totals,
      ledger: ctx.ledger,
      serverStatsAtEnd: stats.value as Record<string, unknown>,
      failures: ctx.failures,
    };
    process.stdout.write(`${formatReport(result)}\n`);
    writeFileSync(`${resultsDir}soak.json`, `${JSON.stringify(result, null, 2)}\n`);
    return verdict(result).length === 0 ? 0 : 1;
  } finally {
    await server.stop();
    clearTimeout(hard);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
