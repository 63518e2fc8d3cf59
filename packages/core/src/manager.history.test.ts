import { describe, expect, it } from 'vitest';
import type { HistoryPage, Manager } from './api.js';
import type { ClusterAdapter } from './cluster.js';
import { isWsError } from './errors.js';
import type { Offset, ThreadId } from './ids.js';
import { threadId, userId } from './ids.js';
import { compareOffsets } from './offsets.js';
import { flush, testManager } from './internal/testSupport.js';
import { createMemoryHub } from './memoryHub.js';
import { createManualClock } from './testing/manualClock.js';

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
  const counter = m.metrics.counter('ws_history_reads_total', { help: '', labelNames: ['result'] });
  return counter.get({ result });
}

/** The code of a rejected promise's `WsError`. */
async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return isWsError(err) ? err.code : `not a WsError: ${String(err)}`;
  }
}

describe('manager.history on the in-memory cluster', () => {
  it('pages 2,500 messages exactly once, in order, with the default limit and with 1,000', async () => {
    const hub = createMemoryHub({ historySize: 3000 });
    const a = testManager({ instanceId: 'a', cluster: hub.adapter() });
    const b = testManager({
      instanceId: 'b',
      cluster: hub.adapter(),
      inboundRate: { perSecond: 100_000, burst: 100_000 },
    });
    const t = threadId('big');
    const publisher = await b.connect('carol');
    await b.joinThread(publisher.id, t);
    const sent: { offset: Offset; from: string | null; data: unknown }[] = [];
    for (let i = 0; i < 2500; i++) {
      if (i % 5 === 4) {
        publisher.client.sendFrame({ type: 'publish', thread: t, data: { i }, id: i });
        await flush(1);
        const ack = publisher.client.framesOf('ack').find((f) => f.id === i);
        expect(ack?.offset).toBeTypeOf('string');
        sent.push({ offset: ack?.offset as Offset, from: 'carol', data: { i } });
      } else {
        const r = await a.sendToThread(t, { i });
        sent.push({ offset: r.offset as Offset, from: null, data: { i } });
      }
    }
    expect(sent.every((s, i) => i === 0 || compareOffsets(sent[i - 1]!.offset, s.offset) < 0)).toBe(
      true,
    );

    const byDefault = await readPages(b, t);
    expect(byDefault.map((p) => p.messages.length)).toEqual(Array(25).fill(100));
    expect(byDefault.every((p) => p.recovered)).toBe(true);
    expect(byDefault.flatMap((p) => p.messages)).toEqual(sent);

    const big = await readPages(a, t, 1000);
    expect(big.map((p) => p.messages.length)).toEqual([1000, 1000, 500]);
    expect(big.flatMap((p) => p.messages)).toEqual(sent);
    expect(big.at(-1)?.next).toBeNull();

    // From the oldest kept message when `after` is absent; `next: null` at the end.
    const first = await b.history(t, { limit: 3 });
    expect(first).toEqual({ messages: sent.slice(0, 3), next: sent[2]!.offset, recovered: true });
    const last = await b.history(t, { after: sent[2496]!.offset });
    expect(last).toEqual({ messages: sent.slice(2497), next: null, recovered: true });
    expect(await b.history(t, { after: sent[2499]!.offset })).toEqual({
      messages: [],
      next: null,
      recovered: true,
    });
    // A page that ends exactly at the newest message knows nothing follows.
    expect((await b.history(t, { after: sent[2489]!.offset, limit: 10 })).next).toBeNull();
    expect(reads(a, 'recovered')).toBe(3);
    expect(reads(b, 'recovered')).toBe(29);
    await a.close();
    await b.close();
  });

  it('answers recovered: false from the oldest kept message once the window was trimmed', async () => {
    const m = testManager({ cluster: createMemoryHub({ historySize: 3 }).adapter() });
    const t = threadId('small');
    const offsets: Offset[] = [];
    for (let i = 0; i < 6; i++) offsets.push((await m.sendToThread(t, i)).offset as Offset);
    const kept = [3, 4, 5].map((i) => ({ offset: offsets[i], from: null, data: i }));
    expect(await m.history(t, { after: offsets[1]! })).toEqual({
      messages: kept,
      next: null,
      recovered: false,
    });
    expect(await m.history(t, { after: offsets[0]!, limit: 2 })).toEqual({
      messages: kept.slice(0, 2),
      next: offsets[4],
      recovered: false,
    });
    // offsets[2] is the newest dropped message: everything after it is still kept.
    expect(await m.history(t, { after: offsets[2]! })).toEqual({
      messages: kept,
      next: null,
      recovered: true,
    });
    // Without `after` the page starts at the oldest kept message, as asked.
    expect(await m.history(t)).toEqual({ messages: kept, next: null, recovered: true });
    expect(reads(m, 'not_recovered')).toBe(2);
    expect(reads(m, 'recovered')).toBe(2);
    await m.close();
  });

  it('answers recovered: false for an offset from before the data epoch or from the future', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const before = testManager({ clock, cluster: createMemoryHub().adapter() });
    const t = threadId('epoch');
    const lost = (await before.sendToThread(t, 'lost')).offset as Offset;
    await before.close();
    // A new process: its history starts empty, in a later epoch.
    clock.advance(5000);
    const m = testManager({ clock, cluster: createMemoryHub().adapter() });
    const kept = (await m.sendToThread(t, 'kept')).offset as Offset;
    const page = { messages: [{ offset: kept, from: null, data: 'kept' }], next: null };
    expect(await m.history(t, { after: lost })).toEqual({ ...page, recovered: false });
    expect(await m.history(t, { after: '99999999999999-0' as Offset })).toEqual({
      ...page,
      recovered: false,
    });
    expect(await m.history(t)).toEqual({ ...page, recovered: true });
    // A thread with nothing kept.
    expect(await m.history(threadId('empty'))).toEqual({
      messages: [],
      next: null,
      recovered: true,
    });
    await m.close();
  });

  it('carries from: null for server sends and the publishing user for client publishes', async () => {
    const m = testManager();
    const t = threadId('from');
    const alice = await m.connect('alice');
    await m.joinThread(alice.id, t);
    await m.sendToThread(t, 'server');
    await m.sendToThread(t, 'on behalf', { from: userId('bob') });
    alice.client.sendFrame({ type: 'publish', thread: t, data: 'client', id: 1 });
    await flush();
    const page = await m.history(t);
    expect(page.messages.map((x) => [x.from, x.data])).toEqual([
      [null, 'server'],
      ['bob', 'on behalf'],
      ['alice', 'client'],
    ]);
    await m.close();
  });

  it('rejects bad arguments with the documented codes, and counts them', async () => {
    const m = testManager();
    const t = threadId('args');
    await m.sendToThread(t, 1);
    const cases: [Promise<unknown>, string][] = [
      [m.history('bad id' as ThreadId), 'bad_request'],
      [m.history('' as ThreadId), 'bad_request'],
      [m.history(7 as unknown as ThreadId), 'bad_request'],
      [m.history(t, { after: 'abc' as Offset }), 'bad_request'],
      [m.history(t, { after: null as unknown as Offset }), 'bad_request'],
      [m.history(t, { after: '1-2-3' as Offset }), 'bad_request'],
      [m.history(t, { limit: 0 }), 'invalid_options'],
      [m.history(t, { limit: 1001 }), 'invalid_options'],
      [m.history(t, { limit: 1.5 }), 'invalid_options'],
      [m.history(t, { limit: Number.NaN }), 'invalid_options'],
      [m.history(t, { limit: '10' as unknown as number }), 'invalid_options'],
      [m.history(t, 'x' as never), 'invalid_options'],
      [m.history(t, null as never), 'invalid_options'],
    ];
    expect(await Promise.all(cases.map(([p]) => codeOf(p)))).toEqual(cases.map(([, c]) => c));
    expect((await m.history(t, { limit: 1000 })).messages).toHaveLength(1);
    expect((await m.history(t, { limit: 1 })).messages).toHaveLength(1);
    expect(reads(m, 'invalid')).toBe(cases.length);
    await m.close();
    expect(await codeOf(m.history(t))).toBe('closed');
  });

  it('pages through an adapter written before paged reads, or answers unavailable', async () => {
    const inner = createMemoryHub({ historySize: 4 }).adapter();
    // The old signature: three parameters, and a not-recoverable answer without frames.
    const old: ClusterAdapter = {
      ...inner,
      history: async (threadId, afterOffset, notBefore) => {
        const r = await inner.history(threadId, afterOffset, notBefore);
        return r.recoverable ? r : { recoverable: false };
      },
    };
    const m = testManager({ cluster: old });
    const t = threadId('old');
    const offsets: Offset[] = [];
    for (let i = 0; i < 6; i++) offsets.push((await m.sendToThread(t, i)).offset as Offset);
    expect(await m.history(t, { after: offsets[1]!, limit: 3 })).toEqual({
      messages: [2, 3, 4].map((i) => ({ offset: offsets[i], from: null, data: i })),
      next: offsets[4],
      recovered: true,
    });
    expect(await m.history(t, { after: offsets[4]!, limit: 3 })).toEqual({
      messages: [{ offset: offsets[5], from: null, data: 5 }],
      next: null,
      recovered: true,
    });
    expect(await codeOf(m.history(t, { after: offsets[0]! }))).toBe('unavailable');
    expect(await codeOf(m.history(t))).toBe('unavailable');
    expect(reads(m, 'unavailable')).toBe(2);
    await m.close();
  });

  it('rejects with the adapter failure as cluster_error, counted as failed', async () => {
    const inner = createMemoryHub().adapter();
    const failing: ClusterAdapter = {
      ...inner,
      history: () => Promise.reject(new Error('connection reset')),
    };
    const m = testManager({ cluster: failing });
    await expect(m.history(threadId('x'))).rejects.toMatchObject({
      code: 'cluster_error',
      message: 'connection reset',
    });
    expect(reads(m, 'failed')).toBe(1);
    await m.close();
  });
});
