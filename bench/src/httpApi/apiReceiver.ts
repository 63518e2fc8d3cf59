/**
 * The HTTP API benchmark's receiving client (a child process of its own, so the runner's HTTP
 * work never delays a frame's reading): one `ws` client on the server's `/ws` (`wsm.v1.json`),
 * joined to the bench thread. Latency = {@link monoUs} when the frame is read minus the stamp in
 * its data (same system-wide clock as the publisher's). Control channel (`servers/control.ts`)
 * plus `expect` (start a phase's tally: `from`, `count`) and `collect` (wait, bounded by
 * `waitMs`, until the phase is complete; answer its {@link TallySummary}).
 */
import type { ClientCounters, MessageSink } from '../clients.js';
import { connectClients } from '../clients.js';
import type { Command } from '../servers/control.js';
import { envNumber, serveControl } from '../servers/control.js';
import { monoUs } from './clock.js';
import { benchThread } from './plan.js';
import type { Tally, TallySummary } from './tally.js';
import { createTally } from './tally.js';

/** A phase's summary and the client's error frames and unexpected closes so far. */
interface Collected extends TallySummary {
  readonly errors: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const port = envNumber('BENCH_SERVER_PORT', 0);
  if (port <= 0) throw new Error('BENCH_SERVER_PORT is not set');
  let tally: Tally = createTally(0, 0);
  const sink: MessageSink = {
    current: (_i, seq, sentAt) => tally.add(seq, sentAt, monoUs()),
  };
  const counters: ClientCounters = { errors: 0, unexpectedCloses: 0 };
  const [client] = await connectClients({
    kind: 'ours',
    ports: [port],
    count: 1,
    userPrefix: 'receiver',
    sink,
    counters,
  });
  if (!client) throw new Error('no client');
  await client.join(benchThread);

  const collect = async (command: Command): Promise<Collected> => {
    const until = performance.now() + Number(command.waitMs);
    while (!tally.complete() && performance.now() < until) await sleep(5);
    return { ...tally.summary(), errors: counters.errors + counters.unexpectedCloses };
  };

  serveControl(
    0,
    async () => {
      client.close();
    },
    {
      expect: (command) => {
        tally = createTally(Number(command.from), Number(command.count));
        return true;
      },
      collect,
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`http-api bench receiver failed: ${String(err)}\n`);
  process.exit(1);
});
