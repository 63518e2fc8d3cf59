import type { ConnectionId, Manager, UserId } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, createNode, uniquePrefix } from '../test/harness.js';
import { createKeys } from './internal/keys.js';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

const CRED = 'sha256-digest-of-a-post-secret-0123456789';
const counter = (m: Manager, labels: Record<string, string>): number =>
  m.metrics.counter('ws_receive_total', { help: '', labelNames: ['where', 'outcome'] }).get(labels);

describe('manager.receive over Redis (a POST that landed on another instance)', () => {
  it('the owner checks and delivers once; the answer comes back; gone and silent owners are told apart', async () => {
    const prefix = uniquePrefix('receive');
    const nodes = [0, 1].map((i) =>
      createNode(server.port, prefix, { instanceId: `receive-${i}` }),
    );
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    for (const n of nodes)
      await waitFor(async () => (await n.manager.health()).status === 'ready', { timeoutMs: 5000 });
    await waitFor(async () => (await b.manager.getClusterStats()).instances.length === 2, {
      timeoutMs: 5000,
    });
    const pair = createMemorySocketPair();
    const id = await a.manager.connectUser('alice' as UserId, pair.server, { credential: CRED });
    const frames = [
      JSON.stringify({ type: 'join', thread: 'room', id: 'j1' }),
      JSON.stringify({
        type: 'publish',
        thread: 'room',
        data: { via: 'b', pipe: 'a|b' },
        id: 'p1',
      }),
      new TextEncoder().encode(JSON.stringify({ type: 'ping' })),
    ];
    expect(await b.manager.receive(id, { credential: CRED, seq: 1, frames })).toEqual({
      outcome: 'ok',
      expectedSeq: 2,
    });
    // The client's retry of the same batch, through either instance: acknowledged, not delivered.
    expect(await b.manager.receive(id, { credential: CRED, seq: 1, frames })).toEqual({
      outcome: 'duplicate',
      expectedSeq: 2,
    });
    expect(await b.manager.receive(id, { credential: CRED, seq: 3, frames })).toEqual({
      outcome: 'gap',
      expectedSeq: 2,
    });
    expect(await b.manager.receive(id, { credential: `${CRED}!`, seq: 2, frames })).toEqual({
      outcome: 'unauthorized',
    });
    expect(await waitFor(() => pair.client.framesOf('message').length === 1)).toBe(true);
    await sleep(200);
    expect(pair.client.framesOf('message')).toEqual([
      expect.objectContaining({ thread: 'room', from: 'alice', data: { via: 'b', pipe: 'a|b' } }),
    ]);
    expect(pair.client.framesOf('pong')).toHaveLength(1);
    expect(counter(b.manager, { where: 'remote', outcome: 'ok' })).toBe(1);
    expect(counter(b.manager, { where: 'remote', outcome: 'duplicate' })).toBe(1);

    // Closed there: unknown.
    pair.client.close();
    await waitFor(() => a.manager.getStats().connections === 0);
    expect(await b.manager.receive(id, { credential: CRED, seq: 2, frames: [] })).toEqual({
      outcome: 'unknown',
    });
    // An instance nobody runs (nobody on its control channel): unknown at once.
    expect(
      await b.manager.receive('vanished-3' as ConnectionId, { credential: CRED, seq: 1, frames }),
    ).toEqual({ outcome: 'unknown' });
    // A silent instance: no_answer within commandTimeoutMs.
    const sub = new Redis({ port: server.port, host: '127.0.0.1' });
    await sub.subscribe(createKeys(prefix).controlChannel('mute' as never));
    const started = Date.now();
    expect(
      await b.manager.receive('mute-1' as ConnectionId, { credential: CRED, seq: 1, frames }),
    ).toEqual({ outcome: 'no_answer' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(counter(b.manager, { where: 'remote', outcome: 'no_answer' })).toBe(1);
    sub.disconnect();
    for (const n of nodes) expect(n.errors).toEqual([]);
    await closeAll(nodes);
  });
});
