/**
 * `pnpm --filter bench bench:write-delay [--quick] [--reps N] [--delay MS] [--rate N]`
 *
 * One server broadcast per event-loop turn (the next in the next turn; `--rate N`: N a second)
 * to 1,000 clients in one thread (quick: 100), the
 * common case of a busy app where per-tick coalescing finds one frame per socket: raw `ws`,
 * ours with the `ws` adapter's defaults, ours with `writeDelayMs` (5 ms). Server CPU per
 * delivered message and delivery latency p50 / p99 (server stamp to client read, one monotonic
 * clock), variants interleaved per repetition, a fresh server each, medians. Writes
 * results/write-delay.{md,json} (quick: results/quick.write-delay.*). Exit 3 on a lost or
 * duplicated message, 1 on a harness error; targets are reported, never failed.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { buildServers } from '../build.js';
import type { ChildRegistry } from '../child.js';
import { spawnServer } from '../child.js';
import { guardRun, runContext, runMain } from '../guard.js';
import { percentile, summarize } from '../stats.js';
import { runMeta } from '../versions.js';

const variants = ['raw', 'ours', 'ours-delay'] as const;
type Variant = (typeof variants)[number];
interface Phase {
  readonly variant: Variant;
  readonly rep: number;
  readonly cpuUsPerDelivered: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly delivered: number;
  readonly expected: number;
  readonly duplicates: number;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface Receivers {
  /** Forgets what was received; room for `expected` latency samples. */
  reset(expected: number): void;
  received(): number;
  latencies(): Float64Array;
  duplicates(): number;
  close(): void;
}

/** Every how many clients one parses its messages (latency, numbers); the others count frames. */
const SAMPLE_EVERY = 10;

/**
 * `count` ws clients joined to the thread. One in `SAMPLE_EVERY` parses each message (latency,
 * duplicates); the others only count frames, so the runner, on the same 2 cores as the server,
 * keeps up with a server that sends faster, and the latency stays the server's.
 */
async function connect(port: number, count: number): Promise<Receivers> {
  const seen: Set<number>[] = [];
  const counts = new Int32Array(count);
  let lat = new Float64Array(0);
  let n = 0;
  let dups = 0;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const sampled = i % SAMPLE_EVERY === 0;
    const mine = new Set<number>();
    if (sampled) seen.push(mine);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=u${i}`, ['wsm.v1.json']);
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`client ${i}: no join ack in 10 s`)), 10_000);
      let joined = false;
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        if (joined && !sampled) {
          counts[i]!++;
          return;
        }
        const f = JSON.parse(data.toString()) as { type: string; data?: { n: number; t: number } };
        if (f.type === 'welcome') ws.send(JSON.stringify({ type: 'join', thread: 'bench', id: 1 }));
        else if (f.type === 'ack') {
          joined = true;
          clearTimeout(t);
          resolve();
        } else if (f.type === 'message' && f.data !== undefined) {
          counts[i]!++;
          if (mine.has(f.data.n)) dups++;
          mine.add(f.data.n);
          if (n < lat.length) lat[n++] = (nowUs() - f.data.t) / 1000;
        }
      });
    });
  }
  return {
    reset(expected) {
      for (const s of seen) s.clear();
      counts.fill(0);
      lat = new Float64Array(Math.max(expected, 1));
      n = 0;
      dups = 0;
    },
    received: () => counts.reduce((a, c) => a + c, 0),
    latencies: () => lat.subarray(0, n),
    duplicates: () => dups,
    close: () => sockets.forEach((s) => s.terminate()),
  };
}

async function runVariant(
  registry: ChildRegistry,
  buildDir: string,
  o: {
    variant: Variant;
    rep: number;
    clients: number;
    messages: number;
    delayMs: number;
    rate: number;
  },
): Promise<Phase> {
  const server = await spawnServer(registry, 'ours', {
    buildDir,
    entry: 'delayServer',
    env: { BENCH_VARIANT: o.variant, BENCH_WRITE_DELAY_MS: String(o.delayMs) },
  });
  let rx: Receivers | undefined;
  try {
    rx = await connect(server.port, o.clients);
    const expected = o.clients * o.messages;
    rx.reset(expected);
    await server.cpuStart();
    await server.request(
      'fanout',
      { count: o.messages, intervalMs: o.rate > 0 ? 1000 / o.rate : 0 },
      120_000,
    );
    const deadline = Date.now() + 60_000;
    while (rx.received() < expected && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const cpu = await server.cpuStop();
    const lat = rx.latencies();
    const len = lat.length;
    const sorted = Float64Array.from(lat);
    return {
      variant: o.variant,
      rep: o.rep,
      cpuUsPerDelivered: cpu.cpuUs / Math.max(1, rx.received()),
      p50Ms: percentile(sorted, len, 50),
      p99Ms: percentile(sorted, len, 99),
      delivered: rx.received(),
      expected,
      duplicates: rx.duplicates(),
    };
  } finally {
    rx?.close();
    await server.stop();
  }
}

function toMarkdown(phases: readonly Phase[], head: string, delayMs: number): string {
  const med = (v: Variant, k: keyof Phase): number | undefined =>
    summarize(phases.filter((p) => p.variant === v).map((p) => Number(p[k])))?.median;
  const f = (x: number | undefined, d: number): string => (x === undefined ? 'n/a' : x.toFixed(d));
  const lines = [
    head,
    '',
    '| variant | server CPU us / delivered | p50 ms | p99 ms | delivered / expected | duplicates |',
    '|---|---|---|---|---|---|',
  ];
  for (const v of variants)
    lines.push(
      `| ${v} | ${f(med(v, 'cpuUsPerDelivered'), 2)} | ${f(med(v, 'p50Ms'), 2)} | ${f(med(v, 'p99Ms'), 2)} | ${f(med(v, 'delivered'), 0)} / ${f(med(v, 'expected'), 0)} | ${f(med(v, 'duplicates'), 0)} |`,
    );
  const cpu = (v: Variant): number => med(v, 'cpuUsPerDelivered') ?? Number.NaN;
  const p99 = (v: Variant): number => med(v, 'p99Ms') ?? Number.NaN;
  const cpuRatio = cpu('ours-delay') / cpu('raw');
  const p99Limit = p99('raw') + delayMs + 2;
  lines.push(
    '',
    `ours / raw ws server CPU per delivered message: defaults ${f(cpu('ours') / cpu('raw'), 2)}x, writeDelayMs ${delayMs}: ${f(cpuRatio, 2)}x (target <= 0.5x: ${cpuRatio <= 0.5 ? 'PASS' : 'MISS'}).`,
    `p99 with writeDelayMs ${delayMs}: ${f(p99('ours-delay'), 2)} ms against raw ws p99 + ${delayMs} + 2 = ${f(p99Limit, 2)} ms (${p99('ours-delay') <= p99Limit ? 'PASS' : 'MISS'}); defaults p99 / raw p99: ${f(p99('ours') / p99('raw'), 2)}x.`,
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const num = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    const v = i < 0 ? Number.NaN : Number(argv[i + 1]);
    return Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  const sizes = {
    clients: quick ? 100 : 1000,
    messages: quick ? 50 : 300,
    reps: Math.min(10, Math.max(1, num('--reps', quick ? 1 : 3))),
    delayMs: Math.min(1000, num('--delay', 5)),
    rate: Math.min(1000, num('--rate', 0)),
  };
  const { resultsDir, registry, started, loadBefore, harnessErrors, log } =
    runContext('write-delay');
  const out = `${quick ? 'quick.' : ''}write-delay`;
  const phases: Phase[] = [];
  const write = (): void => {
    const meta = runMeta({ quick, started, loadBefore, reps: sizes.reps, harnessErrors });
    const head = `# Write batching benchmark results\n\n${meta.mode} run, ${meta.startedAt}, ${meta.durationS.toFixed(0)} s; Node ${meta.node}; ${meta.cpus}; load ${meta.loadBefore.map((x) => x.toFixed(2)).join(' ')}\n\nOne server broadcast per event-loop turn (${sizes.rate > 0 ? `${sizes.rate} per second` : 'the next in the next turn'}; ${sizes.messages} messages, ~100 bytes of data) to ${sizes.clients} \`ws\` clients in one thread; variants raw ws (one JSON.stringify per message, one ws.send per member), ours (ws adapter defaults), ours-delay (\`writeDelayMs: ${sizes.delayMs}\`); a fresh server per variant and repetition, interleaved, ${sizes.reps} repetitions, medians. Latency: server stamp (process.hrtime) to client read, on one client in ${SAMPLE_EVERY} (the others count frames only, so the runner keeps up).`;
    writeFileSync(
      `${resultsDir}${out}.json`,
      `${JSON.stringify({ meta, sizes, phases }, null, 2)}\n`,
    );
    writeFileSync(`${resultsDir}${out}.md`, toMarkdown(phases, head, sizes.delayMs));
  };
  const guard = guardRun({
    registry,
    deadlineMs: quick ? 180_000 : 900_000,
    harnessErrors,
    log,
    write,
  });
  await guard.run(
    async () => {
      const buildDir = await buildServers([
        fileURLToPath(new URL('./delayServer.ts', import.meta.url)),
      ]);
      for (let rep = 0; rep < sizes.reps && !guard.hit(); rep++)
        for (const variant of variants) {
          const p = await runVariant(registry, buildDir, { variant, rep, ...sizes });
          phases.push(p);
          log(
            `rep ${rep + 1}/${sizes.reps} ${variant}: ${p.cpuUsPerDelivered.toFixed(2)} us CPU / delivered, p50 ${p.p50Ms.toFixed(2)} ms, p99 ${p.p99Ms.toFixed(2)} ms, ${p.delivered}/${p.expected}, ${p.duplicates} duplicates`,
          );
        }
    },
    async () => undefined,
  );
  write();
  log(`wrote results/${out}.md and results/${out}.json`);
  if (harnessErrors.length > 0) return 1;
  return phases.some((p) => p.delivered < p.expected || p.duplicates > 0) ? 3 : 0;
}

runMain('bench:write-delay', main);
