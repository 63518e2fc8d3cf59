/**
 * One pass over the three scenarios (a measured repetition, or the warm-up): HTTP publish and
 * in-process publish, each with the receiving client's delivery latency, then the bare round
 * trip; the server's CPU time per request of each; what was lost or answered otherwise.
 */
import type { ServerHandle } from '../child.js';
import type { Figures } from '../scenarios.js';
import type { HttpLoad, LoadResult } from './load.js';
import type { PaceResult } from './pace.js';
import type { Scenario, Sizes } from './plan.js';
import { apiPath, barePath, scenarios } from './plan.js';
import type { Collected, Receiver } from './receiver.js';

export interface Rig {
  readonly server: ServerHandle;
  readonly receiver: Receiver;
  readonly load: HttpLoad;
  /** The first sequence number of the next `count` messages (every message has its own). */
  readonly take: (count: number) => number;
}

/** Hands out consecutive sequence numbers. */
export function sequence(): (count: number) => number {
  let next = 0;
  return (count) => {
    const from = next;
    next += count;
    return from;
  };
}

/** How long a phase may take past its paced time, and the receiver's wait for late messages. */
const SLACK_MS = 10_000;
const COLLECT_WAIT_MS = 5000;

async function delivered(
  rig: Rig,
  count: number,
  drive: (from: number) => Promise<PaceResult & { readonly failed: number }>,
): Promise<{ paced: PaceResult & { readonly failed: number }; got: Collected; cpuUs: number }> {
  const from = rig.take(count);
  await rig.receiver.expect(from, count);
  await rig.server.cpuStart();
  const paced = await drive(from);
  const cpu = await rig.server.cpuStop();
  const got = await rig.receiver.collect(COLLECT_WAIT_MS);
  return { paced, got, cpuUs: cpu.cpuUs };
}

async function scenario(rig: Rig, which: Scenario, sizes: Sizes): Promise<Figures> {
  const count = Math.round(sizes.perSecond * sizes.seconds);
  const paceOf = { count, perSecond: sizes.perSecond, deadlineMs: sizes.seconds * 1000 + SLACK_MS };
  const perRequest = (cpuUs: number, sent: number): number => cpuUs / Math.max(1, sent);
  switch (which) {
    case 'http': {
      let load: LoadResult | undefined;
      const { paced, got, cpuUs } = await delivered(rig, count, async (from) => {
        load = await rig.load.run({ path: `${apiPath}/publish`, status: 200, from, ...paceOf });
        return load;
      });
      if (load?.firstProblem) process.stderr.write(`http publish: ${load.firstProblem}\n`);
      return {
        http_p50_us: got.p50Us,
        http_p99_us: got.p99Us,
        http_max_us: got.maxUs,
        http_rtt_p50_us: load?.rttP50Us ?? Number.NaN,
        http_rtt_p99_us: load?.rttP99Us ?? Number.NaN,
        http_per_s: paced.perSecond,
        http_cpu_us: perRequest(cpuUs, paced.sent),
        http_lost: got.expected - got.received,
        http_non200: load?.unexpected ?? 0,
        http_failed: paced.failed,
        duplicates: got.duplicates,
        misdelivered: got.stray,
        errors: got.errors,
      };
    }
    case 'inproc': {
      const { paced, got, cpuUs } = await delivered(rig, count, async (from) => {
        const answer = await rig.server.request(
          'publish',
          { from, ...paceOf },
          paceOf.deadlineMs + SLACK_MS,
        );
        return answer.value as PaceResult & { readonly failed: number };
      });
      return {
        inproc_p50_us: got.p50Us,
        inproc_p99_us: got.p99Us,
        inproc_max_us: got.maxUs,
        inproc_min_us: got.minUs,
        inproc_per_s: paced.perSecond,
        inproc_cpu_us: perRequest(cpuUs, paced.sent),
        inproc_lost: got.expected - got.received,
        inproc_failed: paced.failed,
        duplicates: got.duplicates,
        misdelivered: got.stray,
        errors: got.errors,
      };
    }
    case 'bare': {
      await rig.server.cpuStart();
      const load = await rig.load.run({
        path: barePath,
        status: 204,
        from: rig.take(count),
        ...paceOf,
      });
      const cpu = await rig.server.cpuStop();
      if (load.firstProblem) process.stderr.write(`bare: ${load.firstProblem}\n`);
      return {
        bare_p50_us: load.rttP50Us,
        bare_p99_us: load.rttP99Us,
        bare_per_s: load.perSecond,
        bare_cpu_us: perRequest(cpu.cpuUs, load.sent),
        bare_unexpected: load.unexpected,
        bare_failed: load.failed,
      };
    }
  }
}

/** Every scenario once, in the interleaving order; the figures of the pass and the derived ones. */
export async function measurePass(rig: Rig, sizes: Sizes): Promise<Figures> {
  const parts: Figures[] = [];
  for (const which of scenarios) parts.push(await scenario(rig, which, sizes));
  const f: Figures = Object.assign({}, ...parts) as Figures;
  const n = (key: string): number => f[key] ?? Number.NaN;
  const addedP99 = n('http_p99_us') - n('inproc_p99_us');
  return {
    ...f,
    added_p50_us: n('http_p50_us') - n('inproc_p50_us'),
    added_p99_us: addedP99,
    added_p99_over_bare_p99: addedP99 / n('bare_p99_us'),
    lost: n('http_lost') + n('inproc_lost'),
    duplicates: parts.reduce((s, p) => s + (p.duplicates ?? 0), 0),
    misdelivered: parts.reduce((s, p) => s + (p.misdelivered ?? 0), 0),
    // The client's count since it connected: the latest pass's is the run's so far.
    errors: Math.max(0, ...parts.map((p) => p.errors ?? 0)),
    non200: n('http_non200'),
    failed: n('http_failed') + n('inproc_failed') + n('bare_failed') + n('bare_unexpected'),
  };
}
