/**
 * The soak's load, two loops until `stop()`: connection churn (batches of `clients` connections
 * connect, join a thread in groups, publish, wait for their deliveries, disconnect, half with a
 * close handshake and half terminated) and a steady stream of messages among a fixed set of
 * long-lived connections. Every loop is bounded in count and in time; traffic goes to 127.0.0.1.
 */
import type { ClientTarget, SoakClient } from './client.js';
import { openClient } from './client.js';
import type { Ledger } from './ledger.js';
import { owe, tally, waitSettled } from './ledger.js';

/** Sizes of the load. */
export interface LoadPlan {
  /** Connections per churn batch. */
  readonly clients: number;
  /** Connections per churn thread. */
  readonly groupSize: number;
  /** Messages each churn connection publishes. */
  readonly publishesPerClient: number;
  /** Distinct churn thread names, reused round-robin (rooms are reused in real use). */
  readonly threadPool: number;
  /** Long-lived connections, and the threads they are spread over. */
  readonly steadyClients: number;
  readonly steadyThreads: number;
  /** Pause between two steady publishes, in ms. */
  readonly steadyIntervalMs: number;
  /** Hard end of the load (epoch ms), whatever `stop` says. */
  readonly hardDeadline: number;
}

/** What the loops share: the server, the ledger, the sequence counter and the stop flag. */
export interface LoadContext {
  readonly target: ClientTarget;
  readonly ledger: Ledger;
  readonly plan: LoadPlan;
  seq: number;
  stopping: boolean;
  batches: number;
  failures: string[];
}

/** A running load. */
export interface RunningLoad {
  /** Stops both loops and resolves when every connection is closed and tallied. */
  stop(): Promise<void>;
}

const MAX_BATCHES = 100_000;
const MAX_STEADY_ROUNDS = 10_000_000;

async function openMany(ctx: LoadContext, ids: readonly string[]): Promise<SoakClient[]> {
  const out: SoakClient[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        out.push(await openClient(ctx.target, id));
      } catch (err) {
        ctx.target.totals.connectErrors += 1;
        if (ctx.failures.length < 20) ctx.failures.push(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(50, ids.length) }, worker));
  return out;
}

function groups(clients: readonly SoakClient[], size: number): SoakClient[][] {
  const out: SoakClient[][] = [];
  for (let i = 0; i < clients.length; i += size) out.push(clients.slice(i, i + size));
  return out;
}

async function publishAll(ctx: LoadContext, thread: string, members: SoakClient[]): Promise<void> {
  const acks: Promise<void>[] = [];
  for (let k = 0; k < ctx.plan.publishesPerClient; k++) {
    for (const m of members) {
      if (!m.isOpen()) continue;
      const seq = ++ctx.seq;
      owe(ctx.ledger, members, seq);
      acks.push(m.publish(thread, seq));
    }
  }
  await Promise.all(acks.map((a) => a.catch((err: unknown) => record(ctx, err))));
}

function record(ctx: LoadContext, err: unknown): void {
  if (ctx.failures.length < 20) ctx.failures.push(String(err));
}

async function churnBatch(ctx: LoadContext, batch: number): Promise<void> {
  const ids = Array.from({ length: ctx.plan.clients }, (_, i) => `churn-${batch}-${i}`);
  const clients = await openMany(ctx, ids);
  const grouped = groups(clients, ctx.plan.groupSize);
  const threadOf = (g: number): string =>
    `soak:${(batch * grouped.length + g) % ctx.plan.threadPool}`;
  await Promise.all(
    grouped.map(async (members, g) => {
      const joined: SoakClient[] = [];
      await Promise.all(
        members.map((m) =>
          m.join(threadOf(g)).then(
            () => void joined.push(m),
            (err: unknown) => record(ctx, err),
          ),
        ),
      );
      await publishAll(ctx, threadOf(g), joined);
    }),
  );
  await waitSettled(clients, ctx.target.timeoutMs);
  for (const c of clients) tally(ctx.ledger, c);
  await Promise.all(clients.map((c, i) => c.close(i % 2 === 0)));
}

async function churnLoop(ctx: LoadContext): Promise<void> {
  for (let b = 0; b < MAX_BATCHES && !ctx.stopping && Date.now() < ctx.plan.hardDeadline; b++) {
    await churnBatch(ctx, b);
    ctx.batches += 1;
  }
}

async function steadyLoop(ctx: LoadContext): Promise<void> {
  const { steadyClients, steadyThreads, steadyIntervalMs } = ctx.plan;
  const ids = Array.from({ length: steadyClients }, (_, i) => `steady-${i}`);
  const clients = await openMany(ctx, ids);
  const threads = Array.from({ length: steadyThreads }, (_, t) => `steady:${t}`);
  const members = threads.map((_, t) => clients.filter((_c, i) => i % steadyThreads === t));
  await Promise.all(
    clients.map((c, i) =>
      c.join(threads[i % steadyThreads] as string).catch((e) => record(ctx, e)),
    ),
  );
  const acks: Promise<void>[] = [];
  for (
    let r = 0;
    r < MAX_STEADY_ROUNDS && !ctx.stopping && Date.now() < ctx.plan.hardDeadline;
    r++
  ) {
    // Every member publishes in turn, so none of them goes idle (4001) in a long run.
    const t = r % steadyThreads;
    const group = members[t] as SoakClient[];
    const sender = group[Math.floor(r / steadyThreads) % group.length];
    if (sender?.isOpen()) {
      const seq = ++ctx.seq;
      owe(ctx.ledger, group, seq);
      acks.push(sender.publish(threads[t] as string, seq).catch((e) => record(ctx, e)));
    }
    if (acks.length >= 1000) await Promise.all(acks.splice(0));
    await new Promise((res) => setTimeout(res, steadyIntervalMs));
  }
  await Promise.all(acks);
  await waitSettled(clients, ctx.target.timeoutMs);
  for (const c of clients) tally(ctx.ledger, c);
  await Promise.all(clients.map((c) => c.close(true)));
}

/** Starts the load against `target`. */
export function startLoad(ctx: LoadContext): RunningLoad {
  const done = Promise.all([churnLoop(ctx), steadyLoop(ctx)]);
  return {
    stop: async () => {
      ctx.stopping = true;
      await done;
    },
  };
}
