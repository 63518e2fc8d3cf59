import type { Offset, ThreadId } from '@ws/core';
import { compareOffsets } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../test/harness.js';
import { closeAll, connect, readyNodes } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** Sends `resume` and resolves to the replayed frames and the ack's `recovered`. */
async function resume(
  c: TestClient,
  thread: string,
  offset: string,
  id: string,
): Promise<{ replay: unknown[]; recovered: boolean | undefined }> {
  const before = c.client.frames().length;
  c.client.sendFrame({ type: 'resume', thread, offset, id });
  const acked = () => c.client.framesOf('ack').find((a) => a.id === id);
  expect(await waitFor(() => acked() !== undefined)).toBe(true);
  const after = c.client.frames().slice(before);
  const ackAt = after.findIndex((f) => f.type === 'ack' && f.id === id);
  return {
    replay: after.slice(0, ackAt).filter((f) => f.type === 'message'),
    recovered: acked()?.recovered,
  };
}

describe('thread history on Redis Streams', () => {
  it('replays exactly the messages after an offset, to a member on another instance', async () => {
    const nodes = await readyNodes(server.port, 'replay', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const t = 'h1' as ThreadId;
    const cb = await connect(b.manager, 'reader');
    await b.manager.joinThread(cb.id, t);
    const offsets: Offset[] = [];
    for (let i = 0; i < 5; i++)
      offsets.push((await a.manager.sendToThread(t, { i })).offset as Offset);
    expect(offsets.every((o, i) => i === 0 || compareOffsets(offsets[i - 1]!, o) < 0)).toBe(true);
    expect(await waitFor(() => cb.messages().length === 5)).toBe(true);
    const { replay, recovered } = await resume(cb, t, offsets[1]!, 'r1');
    expect(recovered).toBe(true);
    expect(replay).toEqual(
      [2, 3, 4].map((i) => ({
        type: 'message',
        thread: t,
        from: null,
        data: { i },
        offset: offsets[i],
      })),
    );
    const none = await resume(cb, t, offsets[4]!, 'r2');
    expect(none).toEqual({ replay: [], recovered: true });
    await closeAll(nodes);
  });

  it('answers not recoverable once the offset fell out of MAXLEN, never partially', async () => {
    const nodes = await readyNodes(server.port, 'maxlen', 1, () => ({
      adapter: { historyMaxLen: 3 },
    }));
    const a = nodes[0]!;
    const t = 'h2' as ThreadId;
    const c = await connect(a.manager, 'u');
    await a.manager.joinThread(c.id, t);
    const offsets: Offset[] = [];
    for (let i = 0; i < 6; i++) offsets.push((await a.manager.sendToThread(t, i)).offset as Offset);
    expect(await resume(c, t, offsets[1]!, 'old')).toEqual({ replay: [], recovered: false });
    // offsets[2] is the newest dropped entry: everything after it is still kept.
    const edge = await resume(c, t, offsets[2]!, 'edge');
    expect(edge.recovered).toBe(true);
    expect(edge.replay.map((f) => (f as { data: number }).data)).toEqual([3, 4, 5]);
    await closeAll(nodes);
  });

  it('answers not recoverable once the kept messages are older than the TTL', async () => {
    const nodes = await readyNodes(server.port, 'ttl', 1, () => ({
      adapter: { historyTtlMs: 300 },
    }));
    const a = nodes[0]!;
    const t = 'h3' as ThreadId;
    const c = await connect(a.manager, 'u');
    await a.manager.joinThread(c.id, t);
    const first = (await a.manager.sendToThread(t, 'old')).offset as Offset;
    await a.manager.sendToThread(t, 'old too');
    await sleep(450);
    const fresh = (await a.manager.sendToThread(t, 'new')).offset as Offset;
    expect(await resume(c, t, first, 'r')).toEqual({ replay: [], recovered: false });
    const ok = await resume(c, t, fresh, 'r2');
    expect(ok).toEqual({ replay: [], recovered: true });
    await closeAll(nodes);
  });

  it('gives offsets but keeps nothing for threads the predicate leaves out', async () => {
    const nodes = await readyNodes(server.port, 'pred', 1, () => ({
      adapter: { keepHistory: (id) => !id.startsWith('ephemeral') },
    }));
    const a = nodes[0]!;
    const t = 'ephemeral-1' as ThreadId;
    const c = await connect(a.manager, 'u');
    await a.manager.joinThread(c.id, t);
    const o1 = (await a.manager.sendToThread(t, 1)).offset as Offset;
    const o2 = (await a.manager.sendToThread(t, 2)).offset as Offset;
    expect(compareOffsets(o1, o2)).toBeLessThan(0);
    expect(await resume(c, t, o1, 'r')).toEqual({ replay: [], recovered: false });
    expect(await resume(c, t, o2, 'r2')).toEqual({ replay: [], recovered: true });
    await closeAll(nodes);
  });

  it('never replays from before the join, and refuses offsets from the future', async () => {
    const nodes = await readyNodes(server.port, 'notbefore', 1);
    const a = nodes[0]!;
    const t = 'h4' as ThreadId;
    const early = await connect(a.manager, 'early');
    await a.manager.joinThread(early.id, t);
    await a.manager.sendToThread(t, 'before');
    const late = await connect(a.manager, 'late');
    await a.manager.joinThread(late.id, t);
    const after = (await a.manager.sendToThread(t, 'after')).offset as Offset;
    const r = await resume(late, t, '0-0', 'r');
    expect(r.recovered).toBe(true);
    expect(r.replay).toEqual([
      { type: 'message', thread: t, from: null, data: 'after', offset: after },
    ]);
    expect(await resume(late, t, '99999999999999-0', 'future')).toEqual({
      replay: [],
      recovered: false,
    });
    expect(await resume(late, t, '99999999999999999999-99999999999999999999', 'huge')).toEqual({
      replay: [],
      recovered: false,
    });
    await closeAll(nodes);
  });
});
