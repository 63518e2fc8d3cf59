import type { HistoryMessage, HistoryPage, Manager, Offset, ThreadId } from '@ws/core';
import { compareOffsets, isWsError } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from '../test/harness.js';
import { closeAll, connect, createNode, readyNodes, uniquePrefix } from '../test/harness.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** Reads a thread page by page from the oldest kept message; returns the pages. */
async function readPages(m: Manager, t: ThreadId, limit?: number): Promise<HistoryPage[]> {
  const pages: HistoryPage[] = [];
  let after: Offset | undefined;
  for (;;) {
    const page = await m.history(t, {
      ...(after === undefined ? {} : { after }),
      ...(limit === undefined ? {} : { limit }),
    });
    pages.push(page);
    if (page.next === null) return pages;
    expect(page.next).toBe(page.messages.at(-1)?.offset);
    after = page.next;
    if (pages.length > 10_000) throw new Error('history never ended');
  }
}

/** `ws_history_reads_total{result}` of a manager. */
function reads(m: Manager, result: string): number {
  return m.metrics.counter('ws_history_reads_total', { help: '', labelNames: ['result'] }).get({
    result,
  });
}

/** Ready nodes on the shared server, their managers closed after `body`. */
async function withNodes(
  name: string,
  adapter: { historyMaxLen?: number },
  body: (nodes: TestNode[]) => Promise<void>,
): Promise<void> {
  const nodes = await readyNodes(server.port, name, 2, () => ({
    adapter,
    manager: { inboundRate: { perSecond: 100_000, burst: 100_000 } },
  }));
  try {
    await body(nodes);
  } finally {
    await closeAll(nodes);
  }
}

describe('manager.history on Redis Streams', () => {
  it('pages 2,500 messages exactly once, in order, with the default limit and with 1,000', async () => {
    await withNodes('pages', { historyMaxLen: 3000 }, async ([a, b]) => {
      const t = 'pages:big' as ThreadId;
      const carol = await connect(b!.manager, 'carol');
      await b!.manager.joinThread(carol.id, t);
      const sent: HistoryMessage[] = [];
      const published: number[] = [];
      for (let i = 0; i < 2500; i++) {
        if (i % 5 === 4) {
          // Client publishes on B, not awaited: they interleave with A's sends by offset.
          carol.client.sendFrame({ type: 'publish', thread: t, data: { i }, id: i });
          published.push(i);
        } else {
          const r = await a!.manager.sendToThread(t, { i });
          expect(r.ok).toBe(true);
          sent.push({ offset: r.offset as Offset, from: null, data: { i } });
        }
      }
      await waitFor(() => carol.client.framesOf('ack').length === published.length, {
        timeoutMs: 20_000,
        message: 'every client publish acknowledged',
      });
      for (const ack of carol.client.framesOf('ack')) {
        sent.push({ offset: ack.offset as Offset, from: 'carol' as never, data: { i: ack.id } });
      }
      sent.sort((x, y) => compareOffsets(x.offset, y.offset));
      expect(new Set(sent.map((m) => m.offset)).size).toBe(2500);

      const byDefault = await readPages(b!.manager, t);
      expect(byDefault.map((p) => p.messages.length)).toEqual(Array(25).fill(100));
      expect(byDefault.every((p) => p.recovered)).toBe(true);
      expect(byDefault.flatMap((p) => p.messages)).toEqual(sent);

      const big = await readPages(a!.manager, t, 1000);
      expect(big.map((p) => p.messages.length)).toEqual([1000, 1000, 500]);
      expect(big.flatMap((p) => p.messages)).toEqual(sent);
      expect(big.every((p) => p.recovered)).toBe(true);

      // From the oldest kept message without `after`; `next: null` at the end.
      expect(await a!.manager.history(t, { limit: 2 })).toEqual({
        messages: sent.slice(0, 2),
        next: sent[1]!.offset,
        recovered: true,
      });
      expect(await b!.manager.history(t, { after: sent[2489]!.offset, limit: 10 })).toEqual({
        messages: sent.slice(2490),
        next: null,
        recovered: true,
      });
      expect(await b!.manager.history(t, { after: sent[2499]!.offset })).toEqual({
        messages: [],
        next: null,
        recovered: true,
      });
      expect(reads(b!.manager, 'recovered')).toBe(27);
      expect(reads(a!.manager, 'recovered')).toBe(4);
    });
  });

  it('answers recovered: false from the oldest kept message once MAXLEN trimmed the window', async () => {
    await withNodes('trim', { historyMaxLen: 3 }, async ([a, b]) => {
      const t = 'trim' as ThreadId;
      const offsets: Offset[] = [];
      for (let i = 0; i < 6; i++) {
        offsets.push((await a!.manager.sendToThread(t, i)).offset as Offset);
      }
      const kept = [3, 4, 5].map((i) => ({ offset: offsets[i], from: null, data: i }));
      expect(await b!.manager.history(t, { after: offsets[1]! })).toEqual({
        messages: kept,
        next: null,
        recovered: false,
      });
      expect(await b!.manager.history(t, { after: offsets[0]!, limit: 2 })).toEqual({
        messages: kept.slice(0, 2),
        next: offsets[4],
        recovered: false,
      });
      // offsets[2] is the newest dropped entry: everything after it is still kept.
      expect(await b!.manager.history(t, { after: offsets[2]! })).toEqual({
        messages: kept,
        next: null,
        recovered: true,
      });
      expect(await b!.manager.history(t)).toEqual({ messages: kept, next: null, recovered: true });
      // Offsets from the future (also past a stream id's range) cannot be vouched for.
      for (const after of [
        '99999999999999-0',
        '18446744073709551615-18446744073709551615',
        '99999999999999999999-0',
      ]) {
        expect(await b!.manager.history(t, { after: after as Offset })).toEqual({
          messages: kept,
          next: null,
          recovered: false,
        });
      }
      expect(reads(b!.manager, 'not_recovered')).toBe(5);
      // Bad arguments never reach Redis.
      const code = await b!.manager.history(t, { limit: 1001 }).catch((e: unknown) => e);
      expect(isWsError(code) && code.code).toBe('invalid_options');
      // A thread never published to.
      expect(await a!.manager.history('trim:none' as ThreadId)).toEqual({
        messages: [],
        next: null,
        recovered: true,
      });
    });
  });
});

describe('resume from the largest stream id', () => {
  it('answers recovered: false (an exclusive range after it is a Redis error)', async () => {
    await withNodes('maxid', {}, async ([a]) => {
      const t = 'maxid' as ThreadId;
      const c = await connect(a!.manager, 'u');
      await a!.manager.joinThread(c.id, t);
      await a!.manager.sendToThread(t, 1);
      const offset = '18446744073709551615-18446744073709551615';
      c.client.sendFrame({ type: 'resume', thread: t, offset, id: 'max' });
      await waitFor(() => c.client.framesOf('ack').some((f) => f.id === 'max'));
      expect(c.client.framesOf('ack').find((f) => f.id === 'max')).toEqual({
        type: 'ack',
        id: 'max',
        recovered: false,
      });
      expect(c.client.framesOf('error')).toEqual([]);
    });
  });
});

describe('manager.history after Redis lost its data', () => {
  let volatile: RedisServer;
  beforeAll(async () => {
    volatile = await createRedisServer({ appendonly: false });
  });
  afterAll(async () => {
    await volatile.stop();
  });

  it('answers recovered: false for offsets from before the loss, and cluster_error while down', async () => {
    const prefix = uniquePrefix('hloss');
    const a = createNode(volatile.port, prefix, { instanceId: 'hloss-a' });
    const ready = async (): Promise<void> => {
      await waitFor(async () => (await a.manager.health()).status === 'ready', {
        timeoutMs: 8000,
        message: 'the node to be ready',
      });
    };
    try {
      await ready();
      const t = 'hloss' as ThreadId;
      const before = (await a.manager.sendToThread(t, 'before')).offset as Offset;
      expect((await a.manager.history(t)).messages.map((m) => m.data)).toEqual(['before']);

      await volatile.kill();
      const started = Date.now();
      await expect(a.manager.history(t, { after: before })).rejects.toMatchObject({
        code: 'cluster_error',
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(reads(a.manager, 'failed')).toBe(1);
      const failures = a.manager.metrics.counter('ws_redis_command_failures_total', {
        help: '',
        labelNames: ['op'],
      });
      expect(failures.get({ op: 'history' })).toBe(1);

      await volatile.start();
      await ready();
      const after = (await a.manager.sendToThread(t, 'after')).offset as Offset;
      const page = { messages: [{ offset: after, from: null, data: 'after' }], next: null };
      expect(await a.manager.history(t, { after: before })).toEqual({
        ...page,
        recovered: false,
      });
      expect(await a.manager.history(t)).toEqual({ ...page, recovered: true });
      expect(await a.manager.history(t, { after })).toEqual({
        messages: [],
        next: null,
        recovered: true,
      });
    } finally {
      await a.close();
    }
  });
});
