import type { Histogram, Manager } from '@ws/core';
import { createManager, silentLogger, threadId, userId } from '@ws/core';
import type { MemoryClient } from '@ws/core/testing';
import { createMemorySocketPair } from '@ws/core/testing';
import type { ParsedFamily } from '@ws/testkit';
import { parsePrometheus } from '@ws/testkit';
import { expect } from 'vitest';

/** A prom-client registry's exposition, as `registry.metrics()` gives it. */
interface Scrapeable {
  metrics(): Promise<string>;
}

/**
 * Scrapes prom-client's own output and parses it with the strict parser. prom-client separates
 * families by one empty line (the text format allows empty lines; the strict parser does not):
 * checked here to be the only difference, then removed.
 */
export async function scrape(
  registry: Scrapeable,
): Promise<{ text: string; families: ParsedFamily[] }> {
  const raw = await registry.metrics();
  for (const chunk of raw.split('\n\n').slice(1)) expect(chunk.startsWith('# HELP ')).toBe(true);
  const text = raw === '\n' ? '' : raw.replaceAll('\n\n', '\n');
  return { text, families: parsePrometheus(text) };
}

/** A manager with three connections of two users in one thread, some sends and a histogram. */
export interface Fixture {
  readonly manager: Manager;
  readonly clients: readonly MemoryClient[];
  readonly latency: Histogram;
  /** Sends one message to alice, one to the thread and one broadcast. */
  send(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const manager = createManager({ logger: silentLogger() });
  const clients: MemoryClient[] = [];
  const thread = threadId('room');
  for (const name of ['alice', 'bob', 'bob']) {
    const pair = createMemorySocketPair();
    const id = await manager.connectUser(userId(name), pair.server);
    await manager.joinThread(id, thread);
    clients.push(pair.client);
  }
  // A plugin's histogram, with labels and buckets of its own.
  const latency = manager.use({
    name: 'latency',
    setup: (ctx) =>
      ctx.metrics.histogram('app_latency_seconds', {
        help: 'Handler latency.',
        labelNames: ['route'],
        buckets: [0.01, 0.1, 1],
      }),
  });
  manager.metrics
    .counter('app_events_total', { help: 'Events\\by "kind".\nSecond line.', labelNames: ['kind'] })
    .inc(2, { kind: 'a "quoted"\\ value\nx' });
  return {
    manager,
    clients,
    latency,
    send: async () => {
      await manager.sendToUser(userId('alice'), { n: 1 });
      await manager.sendToThread(thread, { n: 2 });
      await manager.broadcast({ n: 3 });
    },
  };
}
