/**
 * One measured phase: every member sends one request (a join, or a leave) at a fixed rate, each
 * answered by its ack; then a wait (`settleMs`) for what the server does after the ack (the
 * presence write, the coalesced diffs). Measured between its two ends: the server's CPU time,
 * redis-server's calls per command and CPU time, the diffs the watchers read, the ack latency.
 */
import type { ServerHandle } from '../child.js';
import type { Figures } from '../scenarios.js';
import { latencyBuffer } from '../stats.js';
import { pace } from '../httpApi/pace.js';
import type { Member, Tally } from './members.js';
import type { RedisStats } from './redisStats.js';
import { callsBetween } from './redisStats.js';

export interface PhaseRig {
  readonly server: ServerHandle;
  readonly redis: RedisStats;
  readonly members: readonly Member[];
  readonly tally: Tally;
  readonly perSecond: number;
  readonly settleMs: number;
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
async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(10);
  }
  return true;
}

export async function runPhase(rig: PhaseRig, spec: PhaseSpec): Promise<Figures> {
  const n = spec.order.length;
  const lat = latencyBuffer(n);
  let acked = 0;
  let refused = 0;
  const diffs0 = { frames: rig.tally.diffFrames, bytes: rig.tally.diffBytes };
  const r0 = await rig.redis.read();
  await rig.server.cpuStart();
  const paced = await pace(
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
  const allAcked = await until(() => acked >= paced.sent, 30_000);
  await sleep(rig.settleMs);
  const cpu = await rig.server.cpuStop();
  const r1 = await rig.redis.read();
  const calls = callsBetween(r0, r1);
  const total = Object.values(calls).reduce((s, c) => s + c, 0);
  const p = spec.prefix;
  const f: Figures = {
    [`${p}cpu_us`]: cpu.cpuUs / n,
    [`${p}redis_cmds`]: total / n,
    [`${p}evalsha`]: (calls.evalsha ?? 0) / n,
    [`${p}redis_cpu_us`]: (r1.cpuUs - r0.cpuUs) / n,
    [`${p}diff_frames`]: (rig.tally.diffFrames - diffs0.frames) / n,
    [`${p}diff_bytes`]: (rig.tally.diffBytes - diffs0.bytes) / n,
    [`${p}p50_us`]: lat.p(50),
    [`${p}p99_us`]: lat.p(99),
    [`${p}per_s`]: paced.perSecond,
    [`${p}unanswered`]: allAcked ? n - paced.sent : n - acked,
    [`${p}refused`]: refused,
    [`${p}redis_memory_b`]: r1.usedMemory - r0.usedMemory,
  };
  for (const [cmd, c] of Object.entries(calls)) f[`${p}cmd_${cmd}`] = c / n;
  return f;
}
