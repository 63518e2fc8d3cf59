import type { ThreadId } from '@ws/core';
import { CloseCode, createMetricsRegistry, isWsError } from '@ws/core';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, createNode, uniquePrefix } from '../test/harness.js';
import type { TestNode } from '../test/harness.js';
import { createEmitter } from './emitter.js';

let server: RedisServer;
const apps: Redis[] = [];
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  for (const r of apps) r.disconnect();
  await server.stop();
});

function app(port = server.port): Redis {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  apps.push(r);
  return r;
}

/** `n` ready nodes on one fresh prefix that see each other. */
async function nodesOn(name: string, n: number): Promise<{ nodes: TestNode[]; prefix: string }> {
  const prefix = uniquePrefix(name);
  const nodes = Array.from({ length: n }, (_, i) =>
    createNode(server.port, prefix, {
      instanceId: `${name}-${i}`,
      manager: { maxConnectionsPerUser: 10 },
    }),
  );
  for (const node of nodes) {
    await waitFor(async () => (await node.manager.health()).status === 'ready', {
      timeoutMs: 10_000,
    });
    await waitFor(async () => (await node.manager.getClusterStats()).instances.length === n, {
      timeoutMs: 10_000,
    });
  }
  return { nodes, prefix };
}

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isWsError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('createEmitter on one Redis', () => {
  it('sends to a thread (same offsets and history as in-process), a user and everyone, from null', async () => {
    const { nodes, prefix } = await nodesOn('emit', 2);
    const [a, b] = nodes as [TestNode, TestNode];
    const alice = await connect(a.manager, 'alice');
    const bob = await connect(b.manager, 'bob');
    const room = 'room:1' as ThreadId;
    await a.manager.joinThread(alice.id, room);
    await b.manager.joinThread(bob.id, room);
    const metrics = createMetricsRegistry();
    const emitter = createEmitter({
      redis: app(),
      keyPrefix: prefix,
      metrics,
    });
    const first = await emitter.sendToThread('room:1', {
      n: 1,
      pipe: 'a|b',
    });
    expect(first.error).toBeUndefined();
    expect(first.published).toBe(true);
    const mid = await a.manager.sendToThread(room, { n: 2 });
    const last = await emitter.sendToThread('room:1', { n: 3 });
    for (const c of [alice, bob]) {
      await waitFor(() => c.messages().length === 3, { timeoutMs: 10_000 });
      expect(c.messages().map((m) => [m.from, (m.data as { n: number }).n, m.offset])).toEqual([
        [null, 1, first.offset],
        [null, 2, mid.offset],
        [null, 3, last.offset],
      ]);
    }
    expect(alice.messages()[0]?.data).toEqual({ n: 1, pipe: 'a|b' });
    const page = await b.manager.history(room);
    expect(page.messages.map((m) => [m.offset, m.from])).toEqual([
      [first.offset, null],
      [mid.offset, null],
      [last.offset, null],
    ]);

    expect(await emitter.sendToUser('bob', 'hi bob')).toEqual({ published: true });
    expect(await emitter.broadcast({ all: true })).toEqual({ published: true });
    await waitFor(() => bob.messages().length === 5, { timeoutMs: 10_000 });
    expect(bob.messages().slice(3)).toEqual([
      { type: 'message', from: null, data: 'hi bob' },
      { type: 'message', from: null, data: { all: true } },
    ]);
    await waitFor(() => alice.messages().length === 4, { timeoutMs: 10_000 });
    expect(await emitter.sendToUser('nobody', 1)).toEqual({ published: false });
    const ops = metrics.counter('ws_emitter_operations_total', {
      help: '',
      labelNames: ['op', 'outcome'],
    });
    expect(ops.get({ op: 'send-to-thread', outcome: 'published' })).toBe(2);
    expect(ops.get({ op: 'send-to-user', outcome: 'unheard' })).toBe(1);
    expect(ops.get({ op: 'broadcast', outcome: 'published' })).toBe(1);
    await emitter.close();
    expect(await emitter.sendToUser('bob', 1)).toMatchObject({
      published: false,
      error: { code: 'closed' },
    });
    for (const n of nodes) expect(n.errors).toEqual([]);
    await closeAll(nodes);
  });

  it('rejects bad arguments with a WsError and publishes nothing', async () => {
    const emitter = createEmitter({
      redis: app(),
      keyPrefix: uniquePrefix('bad'),
      maxMessageBytes: 1000,
      validate: (target, data) => {
        if (target.kind === 'thread' && data === 'forbidden') throw new Error('not here');
      },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(await rejection(emitter.sendToThread('bad thread', 1))).toMatchObject({
      code: 'bad_request',
    });
    expect(await rejection(emitter.sendToThread('{t}', 1))).toMatchObject({ code: 'bad_request' });
    expect(await rejection(emitter.sendToUser('', 1))).toMatchObject({ code: 'bad_request' });
    expect(await rejection(emitter.sendToUser(7 as never, 1))).toMatchObject({
      code: 'bad_request',
    });
    expect(await rejection(emitter.broadcast(cyclic))).toMatchObject({ code: 'unserializable' });
    expect(await rejection(emitter.sendToThread('t', 'x'.repeat(1000)))).toMatchObject({
      code: 'too_large',
    });
    expect(await rejection(emitter.sendToThread('t', 'forbidden'))).toEqual({
      code: 'invalid_message',
      message: 'not here',
    });
    for (const code of [1000, 4100, 4102, 4104, 4000.5])
      expect(await rejection(emitter.disconnectUser('u', { code }))).toMatchObject({
        code: 'invalid_options',
      });
    expect(await rejection(emitter.disconnectUser('u', { reason: 'é'.repeat(62) }))).toMatchObject({
      code: 'invalid_options',
    });
    expect(
      await rejection(emitter.disconnectUser('u', { scope: 'cluster' } as never)),
    ).toMatchObject({ code: 'invalid_options' });
    expect(() =>
      createEmitter({ redis: app(), keyPrefix: 'p:', historyMaxlen: 5 } as never),
    ).toThrow(
      'unknown option `historyMaxlen` in createEmitter options; did you mean `historyMaxLen`?',
    );
    expect(() => createEmitter({ redis: app(), keyPrefix: '{p}' })).toThrow(/keyPrefix/);
    expect(() => createEmitter({ redis: {} as never, keyPrefix: 'p:' })).toThrow(/ioredis/);
    await emitter.close();
  });

  it('answers cluster_error within its command timeout while Redis is down, and recovers', async () => {
    const down = await createRedisServer({ start: false });
    const metrics = createMetricsRegistry();
    const emitter = createEmitter({
      redis: app(down.port),
      keyPrefix: uniquePrefix('down'),
      commandTimeoutMs: 300,
      metrics,
    });
    const started = Date.now();
    const results = await Promise.all([
      emitter.sendToThread('t', 1),
      emitter.sendToUser('u', 1),
      emitter.broadcast(1),
      emitter.disconnectUser('u'),
    ]);
    // A wide margin: the bound is 300 ms; what matters is that it answers at all.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const r of results) {
      expect(r.published).toBe(false);
      expect(r.error?.code).toBe('cluster_error');
    }
    await down.start();
    const ok = await waitFor(
      async () => {
        const r = await emitter.sendToThread('t', 2);
        return r.error === undefined ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(ok.offset).toMatch(/^\d+-\d+$/);
    await emitter.close();
    await down.stop();
  });
});

describe('emitter.disconnectUser', () => {
  it('closes the user on three instances with 4103 and leaves other users alone', async () => {
    const { nodes, prefix } = await nodesOn('emit-revoke', 3);
    const victims = await Promise.all(nodes.map((n) => connect(n.manager, 'mallory')));
    const others = await Promise.all(nodes.map((n) => connect(n.manager, 'bob')));
    const emitter = createEmitter({ redis: app(), keyPrefix: prefix });
    expect(await emitter.disconnectUser('mallory')).toEqual({ published: true });
    await waitFor(() => victims.every((v) => v.client.closed !== undefined), {
      timeoutMs: 10_000,
    });
    for (const v of victims)
      expect(v.client.closed).toEqual({ code: CloseCode.revoked, reason: 'revoked' });
    await sleep(200);
    for (const o of others) expect(o.client.closed).toBeUndefined();
    const again = await Promise.all(nodes.map((n) => connect(n.manager, 'mallory')));
    expect(await emitter.disconnectUser('mallory', { code: 4040, reason: 'moved' })).toEqual({
      published: true,
    });
    await waitFor(() => again.every((v) => v.client.closed?.code === 4040), { timeoutMs: 10_000 });
    for (const n of nodes) expect(n.errors).toEqual([]);
    await emitter.close();
    await closeAll(nodes);
  });
});
