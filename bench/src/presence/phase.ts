/**
 * One measured phase: every member sends one request (a join, or a leave) at a fixed rate, each
 * answered by its ack; then a wait (`settleMs`) for what the server does after the ack (the
 * presence write, the coalesced diffs). Measured between its two ends: the server's CPU time,
 * redis-server's calls per command and CPU time, the diffs the watchers read, the ack latency.
 * `measured` and `perOperation` (the two ends and the figures per operation) serve the lifecycle
 * benchmark's connect and disconnect phases too.
 */
import type { ServerHandle } from '../child.js';
import type { Figures } from '../scenarios.js';
import { latencyBuffer } from '../stats.js';
import { pace } from '../httpApi/pace.js';
import type { Member, Tally } from './members.js';
import type { RedisStats } from './redisStats.js';
import { callsBetween } from './redisStats.js';

export interface PhaseRig extends MeasureRig {
  readonly members: readonly Member[];
  readonly tally: Tally;
  readonly perSecond: number;
}

export interface PhaseSpec {
  /** Figure keys start with it (`join_`, `leave_`). */
  readonly prefix: string;
  /** The members in the order they send. */
  readonly order: readonly number[];
  /** Member i's request frame. */
  readonly frame: (i: number) => string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded, polling every 10 ms) until `done()`; false on the timeout. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** What the server and redis-server spent between the two ends of a measured phase. */
export interface Measured {
  readonly cpuUs: number;
  /** redis-server's calls per command (INFO left out). */
  readonly calls: Readonly<Record<string, number>>;
  readonly redisCpuUs: number;
  readonly redisMemoryB: number;
}

/** The ends of a measurement: the server process (its CPU) and redis-server (calls, CPU). */
export interface MeasureRig {
  readonly server: ServerHandle;
  readonly redis: RedisStats;
  readonly settleMs: number;
}

/** Runs `body` between the two readings, then waits `settleMs` before the second. */
export async function measured(rig: MeasureRig, body: () => Promise<void>): Promise<Measured> {
  const r0 = await rig.redis.read();
  await rig.server.cpuStart();
  await body();
  await sleep(rig.settleMs);
  const cpu = await rig.server.cpuStop();
  const r1 = await rig.redis.read();
  return {
    cpuUs: cpu.cpuUs,
    calls: callsBetween(r0, r1),
    redisCpuUs: r1.cpuUs - r0.cpuUs,
    redisMemoryB: r1.usedMemory - r0.usedMemory,
  };
}

/** A measurement per operation (`n` of them), keys starting with `p`: CPU, Redis calls and CPU. */
export function perOperation(p: string, n: number, m: Measured): Figures {
  const total = Object.values(m.calls).reduce((s, c) => s + c, 0);
  const f: Figures = {
    [`${p}cpu_us`]: m.cpuUs / n,
    [`${p}redis_cmds`]: total / n,
    [`${p}evalsha`]: (m.calls.evalsha ?? 0) / n,
    [`${p}redis_cpu_us`]: m.redisCpuUs / n,
    [`${p}redis_memory_b`]: m.redisMemoryB,
  };
  for (const [cmd, c] of Object.entries(m.calls)) f[`${p}cmd_${cmd}`] = c / n;
  return f;
}

export async function runPhase(rig: PhaseRig, spec: PhaseSpec): Promise<Figures> {
  const n = spec.order.length;
  const lat = latencyBuffer(n);
  let acked = 0;
  let refused = 0;
  let allAcked = false;
  let paced = { sent: 0, perSecond: Number.NaN };
  const diffs0 = { frames: rig.tally.diffFrames, bytes: rig.tally.diffBytes };
  const m = await measured(rig, async () => {
    paced = await pace(
      { count: n, perSecond: rig.perSecond, deadlineMs: (n / rig.perSecond) * 1000 + 30_000 },
      (k) => {
        const i = spec.order[k]!;
        const sentAt = performance.now();
        rig.members[i]!.request(spec.frame(i), (ok) => {
          if (ok) lat.add((performance.now() - sentAt) * 1000);
          else refused += 1;
          acked += 1;
        });
      },
    );
    allAcked = await until(() => acked >= paced.sent, 30_000);
  });
  const p = spec.prefix;
  return {
    ...perOperation(p, n, m),
    [`${p}diff_frames`]: (rig.tally.diffFrames - diffs0.frames) / n,
    [`${p}diff_bytes`]: (rig.tally.diffBytes - diffs0.bytes) / n,
    [`${p}p50_us`]: lat.p(50),
    [`${p}p99_us`]: lat.p(99),
    [`${p}per_s`]: paced.perSecond,
    [`${p}unanswered`]: allAcked ? n - paced.sent : n - acked,
    [`${p}refused`]: refused,
  };
}
