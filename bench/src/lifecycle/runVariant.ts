/**
 * One repetition of one variant: a fresh server process over an emptied Redis (FLUSHALL, CONFIG
 * RESETSTAT), warmed up (`sizes.warmup` connections through the same steps, not measured), then
 * four measured phases at the same paced rate: every connection connects, joins the one thread
 * (waiting for its ack), leaves it, disconnects. Checked between the phases and at
 * the end (outside the measurements): the stream's length and the instance's list of announced
 * connections against what the README says was written (one event per connect, join, leave and
 * disconnect; the list holds every open connection), and the server's connection count.
 */
import type { ChildRegistry } from '../child.js';
import { spawnServer } from '../child.js';
import { createTally } from '../presence/members.js';
import { runPhase } from '../presence/phase.js';
import type { RedisStats } from '../presence/redisStats.js';
import type { Figures } from '../scenarios.js';
import type { ConnectionRig } from './connections.js';
import { connectPhase, disconnectPhase } from './connections.js';
import type { Sizes, Variant } from './plan.js';
import { benchThread, expectedEvents } from './plan.js';
import type { StreamCounts, StreamProbe } from './streamProbe.js';

export interface VariantRig {
  readonly registry: ChildRegistry;
  readonly buildDir: string;
  readonly redisPort: number;
  readonly redis: RedisStats;
  readonly probe: StreamProbe;
  readonly sizes: Sizes;
}

const thread = JSON.stringify(benchThread);

/** 1 when a reading differs from what was expected, else 0. */
function mismatch(got: StreamCounts, want: StreamCounts): number {
  return got.events === want.events && got.announced === want.announced ? 0 : 1;
}

/** Redis's used_memory at the end against the start of the first phase, in bytes. */
function keptMemory(phases: readonly Figures[]): number {
  const keys = ['connect_', 'join_', 'leave_', 'disconnect_'].map((p) => `${p}redis_memory_b`);
  return phases.reduce((sum, f) => sum + keys.reduce((s, k) => s + (f[k] ?? 0), 0), 0);
}

const joinFrame = (): string => `{"type":"join","thread":${thread},"id":1}`;
const leaveFrame = (): string => `{"type":"leave","thread":${thread},"id":2}`;

/** The four steps for `rig.count` connections, their figures dropped (the warm-up). */
async function warmUp(rig: ConnectionRig): Promise<void> {
  if (rig.count === 0) return;
  const { members } = await connectPhase(rig);
  try {
    const order = Array.from({ length: rig.count }, (_, i) => i);
    await runPhase({ ...rig, members }, { prefix: 'warmup_', order, frame: joinFrame });
    await runPhase({ ...rig, members }, { prefix: 'warmup_', order, frame: leaveFrame });
    await disconnectPhase(rig, members);
  } finally {
    for (const m of members) m.close();
  }
}

export async function runVariant(rig: VariantRig, variant: Variant): Promise<Figures> {
  const n = rig.sizes.connections;
  await rig.redis.reset();
  const server = await spawnServer(rig.registry, 'ours', {
    buildDir: rig.buildDir,
    entry: 'lifecycleServer',
    env: {
      BENCH_REDIS_PORT: String(rig.redisPort),
      BENCH_LIFECYCLE: variant.lifecycle ? '1' : '0',
    },
  });
  try {
    const hello = (await server.request('count')).value as { instance?: string } | undefined;
    const instance = hello?.instance ?? '';
    const tally = createTally();
    const cRig: ConnectionRig = { ...rig.sizes, server, redis: rig.redis, tally, count: n };
    await warmUp({ ...cRig, count: rig.sizes.warmup });
    const connect = await connectPhase(cRig);
    const { members } = connect;
    try {
      const events = expectedEvents(variant, rig.sizes);
      const wantOpen = { events: events.open, announced: variant.lifecycle ? n : 0 };
      const afterConnect = await rig.probe.settle(instance, wantOpen);
      const phaseRig = { ...cRig, members };
      const order = Array.from({ length: n }, (_, i) => i);
      const join = await runPhase(phaseRig, { prefix: 'join_', order, frame: joinFrame });
      const leave = await runPhase(phaseRig, { prefix: 'leave_', order, frame: leaveFrame });
      const disconnect = await disconnectPhase(cRig, members);
      const wantEnd = { events: events.end, announced: 0 };
      const end = await rig.probe.settle(instance, wantEnd);
      return {
        connections: n,
        ...connect.figures,
        ...join,
        ...leave,
        ...disconnect,
        stream_after_connects: afterConnect.events,
        announced_after_connects: afterConnect.announced,
        stream_expected: wantEnd.events,
        stream_length: end.events,
        announced_at_end: end.announced,
        stream_mismatch: mismatch(afterConnect, wantOpen) + mismatch(end, wantEnd),
        redis_kept_b_per_connection: keptMemory([connect.figures, join, leave, disconnect]) / n,
        errors: tally.errors + tally.unexpectedCloses,
      };
    } finally {
      for (const m of members) m.close();
    }
  } finally {
    await server.stop();
  }
}
