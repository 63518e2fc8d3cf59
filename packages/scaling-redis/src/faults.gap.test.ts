import type { Offset, ThreadId } from '@ws/core';
import { compareOffsets } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('fault: a subscriber connection dropped while others keep publishing', () => {
  it('announces the live-path gap with resync before newer messages, and resume fills it', async () => {
    const prefix = uniquePrefix('gap');
    const a = createNode(server.port, prefix, {
      instanceId: 'gap-a',
      adapter: { historyMaxLen: 10_000 },
    });
    const b = createNode(server.port, prefix, {
      instanceId: 'gap-b',
      adapter: { historyMaxLen: 10_000 },
    });
    for (const n of [a, b])
      expect(
        await waitFor(async () => (await n.manager.health()).status === 'ready', {
          timeoutMs: 5000,
        }),
      ).toBe(true);
    await a.redis.connect();
    const t = 'gappy' as ThreadId;
    const reader = await connect(b.manager, 'reader');
    await b.manager.joinThread(reader.id, t);

    const acked: Offset[] = [];
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; i < 3000 && !stop; i++) {
        const r = await a.manager.sendToThread(t, { i });
        expect(r.ok).toBe(true);
        acked.push(r.offset as Offset);
        await sleep(2);
      }
    })();
    await sleep(200);
    // Drop every subscriber connection (both instances'); they reconnect after their backoff.
    const killed = Number(await a.redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
    expect(killed).toBeGreaterThanOrEqual(2);
    await sleep(800);
    stop = true;
    await traffic;
    await sleep(200);

    let last: string | undefined;
    let resumeFrom: string | undefined;
    const live: string[] = [];
    for (const f of reader.client.frames()) {
      if (f.type === 'message' && f.offset !== undefined) {
        live.push(f.offset);
        last = f.offset;
      } else if (f.type === 'resync' && f.thread === t) {
        resumeFrom ??= last;
      }
    }
    const missedLive = acked.filter((o) => !live.includes(o));
    expect(missedLive.length).toBeGreaterThan(0);
    expect(resumeFrom).toBeDefined();
    // Everything missed lies after the point the client resumes from.
    expect(missedLive.every((o) => compareOffsets(o, resumeFrom as string) > 0)).toBe(true);

    reader.client.sendFrame({ type: 'resume', thread: t, offset: resumeFrom, id: 'fill' });
    expect(
      await waitFor(() => reader.client.framesOf('ack').some((f) => f.id === 'fill'), {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    const frames = reader.client.frames();
    const ackAt = frames.findIndex((f) => f.type === 'ack' && f.id === 'fill');
    expect(frames[ackAt]).toMatchObject({ recovered: true });
    const replay = frames
      .slice(0, ackAt)
      .flatMap((f) => (f.type === 'message' && f.offset !== undefined ? [f.offset] : []))
      .slice(live.length);
    expect(new Set(replay).size).toBe(replay.length);
    const received = new Set([...live, ...replay]);
    expect(acked.filter((o) => !received.has(o))).toEqual([]);
    const resyncMetric = b.manager.metrics.read('ws_redis_resyncs_total');
    expect(
      resyncMetric?.kind === 'counter' ? resyncMetric.samples[0]?.value : 0,
    ).toBeGreaterThanOrEqual(1);
    console.log(
      `gap: ${acked.length} acked, ${missedLive.length} missed live, all recovered by resume`,
    );
    await Promise.all([a.close(), b.close()]);
  });
});
