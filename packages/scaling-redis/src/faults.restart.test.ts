import type { Offset, ServerFrame, ThreadId } from '@ws/core';
import { compareOffsets } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer({ appendonly: true });
});
afterAll(async () => {
  await server.stop();
});

describe('fault: Redis killed mid-traffic and restarted (AOF on)', () => {
  it('resubscribes; resume loses 0 acknowledged messages with 0 duplicates; gaps are announced with resync', async () => {
    const prefix = uniquePrefix('restart');
    const a = createNode(server.port, prefix, {
      instanceId: 'rs-a',
      adapter: { historyMaxLen: 10_000 },
    });
    const b = createNode(server.port, prefix, {
      instanceId: 'rs-b',
      adapter: { historyMaxLen: 10_000 },
    });
    for (const n of [a, b])
      expect(
        await waitFor(async () => (await n.manager.health()).status === 'ready', {
          timeoutMs: 5000,
        }),
      ).toBe(true);
    const t = 'live' as ThreadId;
    const reader = await connect(b.manager, 'reader');
    await b.manager.joinThread(reader.id, t);
    const writer = await connect(a.manager, 'writer');
    await a.manager.joinThread(writer.id, t);

    const acked: Offset[] = [];
    let failed = 0;
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; i < 2000 && !stop; i++) {
        const r = await a.manager.sendToThread(t, { i });
        if (r.ok && r.offset !== undefined) acked.push(r.offset);
        else failed++;
        await sleep(5);
      }
    })();

    await sleep(400);
    await server.kill();
    await sleep(2000);
    await server.start();
    expect(
      await waitFor(
        async () =>
          (await b.manager.health()).status === 'ready' &&
          (await a.manager.health()).status === 'ready',
        { timeoutMs: 8000 },
      ),
    ).toBe(true);
    await sleep(500);
    stop = true;
    await traffic;
    expect(failed).toBeGreaterThan(0);

    // Subscriptions came back: a fresh publication reaches the reader live.
    const probe = await a.manager.sendToThread(t, 'probe');
    expect(probe.ok).toBe(true);
    acked.push(probe.offset as Offset);
    expect(
      await waitFor(() => reader.messages().some((m) => m.data === 'probe'), { timeoutMs: 5000 }),
    ).toBe(true);

    // The client: keeps its last offset; on `resync` it resumes from the offset before the gap.
    const frames: ServerFrame[] = reader.client.frames();
    let last: string | undefined;
    let resumeFrom: string | undefined;
    const live: string[] = [];
    let resyncs = 0;
    for (const f of frames) {
      if (f.type === 'message' && f.offset !== undefined) {
        live.push(f.offset);
        last = f.offset;
      } else if (f.type === 'resync' && f.thread === t) {
        resyncs++;
        resumeFrom ??= last;
      }
    }
    expect(new Set(live).size).toBe(live.length);
    const missedLive = acked.filter((o) => !live.includes(o));
    // Never silent loss: anything not delivered live was announced by a resync.
    if (missedLive.length > 0) expect(resyncs).toBeGreaterThan(0);

    const before = reader.client.frames().length;
    const from = resumeFrom ?? last ?? '0-0';
    reader.client.sendFrame({ type: 'resume', thread: t, offset: from, id: 'after-restart' });
    expect(
      await waitFor(() => reader.client.framesOf('ack').some((x) => x.id === 'after-restart'), {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    const replayFrames = reader.client.frames().slice(before);
    const ack = replayFrames.find((f) => f.type === 'ack' && f.id === 'after-restart');
    expect(ack).toMatchObject({ recovered: true });
    const replay = replayFrames.flatMap((f) =>
      f.type === 'message' && f.offset !== undefined ? [f.offset] : [],
    );
    expect(new Set(replay).size).toBe(replay.length);
    expect(replay.every((o) => compareOffsets(o, from) > 0)).toBe(true);

    const received = new Set([...live, ...replay]);
    const lost = acked.filter((o) => !received.has(o));
    expect(lost).toEqual([]);
    console.log(
      `restart: ${acked.length} acked, ${failed} failed fast, ${missedLive.length} missed live, ${resyncs} resync, ${replay.length} replayed, 0 lost`,
    );
    await Promise.all([a.close(), b.close()]);
  });
});
