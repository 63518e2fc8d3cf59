/**
 * The receiving client: one `ws` client on the server's `/ws` (`wsm.v1.json`), joined to the
 * bench thread, tallying each phase. Latency = {@link monoUs} when the frame is read minus the
 * stamp in its data (the same system-wide clock as the publisher's). Runs in a child process of
 * its own (`apiReceiver.ts`, the default) or in the runner (`--receiver runner`).
 */
import type { ClientCounters, MessageSink } from '../clients.js';
import { connectClients } from '../clients.js';
import { monoUs } from './clock.js';
import { benchThread } from './plan.js';
import type { Tally, TallySummary } from './tally.js';
import { createTally } from './tally.js';

/** A phase's summary and the client's error frames and unexpected closes so far. */
export interface Collected extends TallySummary {
  readonly errors: number;
}

export interface Receiver {
  /** Starts the tally of messages `from` .. `from + count - 1`. */
  expect(from: number, count: number): Promise<void>;
  /** Waits (at most `waitMs`) until the phase is complete, then answers its figures. */
  collect(waitMs: number): Promise<Collected>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Connects and joins; resolves once the join is acknowledged. */
export async function createReceiver(port: number): Promise<Receiver> {
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
  if (!client) throw new Error('the receiving client did not connect');
  await client.join(benchThread);
  return {
    async expect(from, count) {
      tally = createTally(from, count);
    },
    async collect(waitMs) {
      const until = performance.now() + waitMs;
      while (!tally.complete() && performance.now() < until) await sleep(5);
      return { ...tally.summary(), errors: counters.errors + counters.unexpectedCloses };
    },
    async close() {
      client.close();
    },
  };
}
