/**
 * The lifecycle benchmark's connect and disconnect phases, paced like its join and leave
 * phases (`presence/phase.ts`): `count` real `ws` connections opened at `perSecond`, each
 * measured from its `new WebSocket` to its `welcome` (the connect latency); later closed at the
 * same rate, the phase ending when the server counts none (polled, bounded). Measured between
 * the phase's two ends (`measured`): server CPU, redis-server's calls and CPU, per operation.
 */
import type { ServerHandle } from '../child.js';
import { pace } from '../httpApi/pace.js';
import type { Member, Tally } from '../presence/members.js';
import { connectMember } from '../presence/members.js';
import type { MeasureRig } from '../presence/phase.js';
import { measured, perOperation, until } from '../presence/phase.js';
import type { Figures } from '../scenarios.js';
import { latencyBuffer } from '../stats.js';

export interface ConnectionRig extends MeasureRig {
  readonly tally: Tally;
  readonly count: number;
  readonly perSecond: number;
}

/** Bounded waits of a phase: a connect's welcome, every answer, the server's count. */
const answerTimeoutMs = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function paceOptions(rig: ConnectionRig): { count: number; perSecond: number; deadlineMs: number } {
  const deadlineMs = (rig.count / rig.perSecond) * 1000 + answerTimeoutMs;
  return { count: rig.count, perSecond: rig.perSecond, deadlineMs };
}

/** Opens every connection (`connect_` figures); throws, closing them all, if one failed. */
export async function connectPhase(
  rig: ConnectionRig,
): Promise<{ figures: Figures; members: Member[] }> {
  const n = rig.count;
  const members: Member[] = [];
  const lat = latencyBuffer(n);
  const failures: string[] = [];
  let settled = 0;
  let perSecond = Number.NaN;
  const m = await measured(rig, async () => {
    const paced = await pace(paceOptions(rig), (i) => {
      const sentAt = performance.now();
      connectMember(rig.server.port, i, rig.tally, answerTimeoutMs).then(
        (member) => {
          members[i] = member;
          lat.add((performance.now() - sentAt) * 1000);
          settled += 1;
        },
        (err: unknown) => {
          failures.push(String(err));
          settled += 1;
        },
      );
    });
    perSecond = paced.perSecond;
    await until(() => settled >= paced.sent, answerTimeoutMs + 1000);
  });
  const open = members.filter((x) => x !== undefined).length;
  if (open < n) {
    for (const x of members) x?.close();
    throw new Error(`${n - open} of ${n} connects failed: ${failures[0] ?? 'no answer'}`);
  }
  const figures: Figures = {
    ...perOperation('connect_', n, m),
    connect_p50_us: lat.p(50),
    connect_p99_us: lat.p(99),
    connect_per_s: perSecond,
  };
  return { figures, members };
}

/** This instance's open connections, from the server's `count` command. */
async function openConnections(server: ServerHandle): Promise<number> {
  const answer = await server.request('count');
  const value = answer.value as { connections?: unknown } | undefined;
  return typeof value?.connections === 'number' ? value.connections : Number.NaN;
}

/**
 * Closes every connection (the client terminates its socket: close code 1006 on the server),
 * then polls the server's count every 50 ms (bounded) until none is left (`disconnect_` figures).
 */
export async function disconnectPhase(
  rig: ConnectionRig,
  members: readonly Member[],
): Promise<Figures> {
  let left = Number.NaN;
  let perSecond = Number.NaN;
  const m = await measured(rig, async () => {
    const paced = await pace(paceOptions(rig), (i) => members[i]!.close());
    perSecond = paced.perSecond;
    const end = performance.now() + answerTimeoutMs;
    for (;;) {
      left = await openConnections(rig.server);
      if (left === 0 || performance.now() > end) break;
      await sleep(50);
    }
  });
  return {
    ...perOperation('disconnect_', rig.count, m),
    disconnect_per_s: perSecond,
    disconnect_left: left,
  };
}
