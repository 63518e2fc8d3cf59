/**
 * One repetition of one variant: a fresh server process over an emptied Redis, every member
 * connected (not measured), then the join phase (member 0 first; the watchers, the first
 * members, join with `"presence": true`) and the leave phase (in reverse: the watchers leave
 * last, so they watch to the end). Memory: the server's RSS and JS heap after GC, and Redis's
 * `used_memory`, with every member in against before the first join, per member; and what the
 * heap kept after every member left. Checked after each phase (outside the measurement): the
 * server's connection count and the thread's presence count.
 */
import type { ChildRegistry } from '../child.js';
import { spawnServer } from '../child.js';
import type { Figures } from '../scenarios.js';
import { connectMembers, createTally } from './members.js';
import type { PhaseRig } from './phase.js';
import { runPhase } from './phase.js';
import type { Sizes, Variant } from './plan.js';
import { benchThread } from './plan.js';
import type { RedisStats } from './redisStats.js';

export interface VariantRig {
  readonly registry: ChildRegistry;
  readonly buildDir: string;
  readonly redisPort: number;
  readonly redis: RedisStats;
  readonly sizes: Sizes;
  readonly profileDir?: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const thread = JSON.stringify(benchThread);

export async function runVariant(rig: VariantRig, variant: Variant): Promise<Figures> {
  const { sizes } = rig;
  const n = sizes.members;
  await rig.redis.reset();
  const server = await spawnServer(rig.registry, 'ours', {
    buildDir: rig.buildDir,
    entry: 'presenceServer',
    env: { BENCH_REDIS_PORT: String(rig.redisPort), BENCH_PRESENCE: variant.presence ? '1' : '0' },
    profileDir: rig.profileDir,
  });
  const tally = createTally();
  try {
    const t0 = performance.now();
    const members = await connectMembers(server.port, n, tally);
    const connectS = (performance.now() - t0) / 1000;
    try {
      const phaseRig: PhaseRig = {
        server,
        redis: rig.redis,
        members,
        tally,
        perSecond: sizes.perSecond,
        settleMs: sizes.settleMs,
      };
      const forward = Array.from({ length: n }, (_, i) => i);
      await sleep(300);
      const mem0 = await server.gcRss();
      const join = await runPhase(phaseRig, {
        prefix: 'join_',
        order: forward,
        frame: (i) =>
          i < variant.watchers
            ? `{"type":"join","thread":${thread},"presence":true,"id":1}`
            : `{"type":"join","thread":${thread},"id":1}`,
      });
      const joined = await server.request('count');
      const mem1 = await server.gcRss();
      const countAfterJoins = tally.lastCount;
      const leave = await runPhase(phaseRig, {
        prefix: 'leave_',
        order: forward.slice().reverse(),
        frame: () => `{"type":"leave","thread":${thread},"id":2}`,
      });
      const left = await server.request('count');
      const mem2 = await server.gcRss();
      const value = (answer: Record<string, unknown>): Record<string, unknown> =>
        answer.value as Record<string, unknown>;
      const expectIn = variant.presence ? n : null;
      const expectOut = variant.presence ? 0 : null;
      return {
        members: n,
        watchers: variant.watchers,
        connect_s: connectS,
        ...join,
        ...leave,
        heap_b_per_member: (mem1.heapUsed - mem0.heapUsed) / n,
        rss_b_per_member: (mem1.rss - mem0.rss) / n,
        redis_b_per_member: (join.join_redis_memory_b ?? Number.NaN) / n,
        heap_kept_b_per_member: (mem2.heapUsed - mem0.heapUsed) / n,
        rss_mib_joined: mem1.rss / 1024 / 1024,
        // The last counts-only diff the watchers read once all had joined (-1: none).
        diff_count_after_joins: countAfterJoins,
        wrong_counts:
          (value(joined).presence === expectIn ? 0 : 1) +
          (value(left).presence === expectOut ? 0 : 1) +
          (value(joined).connections === n ? 0 : 1),
        errors: tally.errors + tally.unexpectedCloses,
        list_diffs: tally.listDiffs,
        count_diffs: tally.countDiffs,
        reset_diffs: tally.resetDiffs,
      };
    } finally {
      for (const m of members) m.close();
    }
  } finally {
    await server.stop();
  }
}
