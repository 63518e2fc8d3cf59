import type { ThreadId, UserId } from '@ws/core';
import { expect } from 'vitest';
import type { TestClient, TestNode } from './harness.js';
import { connect } from './harness.js';
import { sleep, waitFor } from '@ws/testkit';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Conn {
  readonly user: string;
  readonly threads: Set<string>;
  readonly c: TestClient;
}

/**
 * Core's isolation property across instances: with users spread over several managers, each
 * connection receives exactly the messages for its user and its threads (none of another user's,
 * none missing, none twice), whatever instance sent them, under concurrent sends.
 */
export async function checkIsolation(
  nodes: readonly TestNode[],
  seed: number,
  sends = 120,
): Promise<void> {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const users = Array.from({ length: 8 }, (_, i) => `user-${seed}-${i}`);
  const threads = Array.from({ length: 5 }, (_, i) => `thread-${seed}-${i}`);
  const conns: Conn[] = [];
  for (const user of users) {
    const n = 1 + Math.floor(rand() * 2);
    for (let k = 0; k < n; k++) {
      const node = pick(nodes);
      const c = await connect(node.manager, user);
      const joined = new Set<string>();
      for (const t of threads) {
        if (rand() < 0.4) {
          await node.manager.joinThread(c.id, t as ThreadId);
          joined.add(t);
        }
      }
      conns.push({ user, threads: joined, c });
    }
  }
  // User channels are subscribed in the background after connect (core does not wait for it).
  await sleep(300);

  const ops = Array.from({ length: sends }, (_, i) => {
    const node = pick(nodes);
    const id = `m${i}`;
    if (rand() < 0.5) {
      const to = pick(users);
      return { id, to: { user: to }, run: () => node.manager.sendToUser(to as UserId, { id }) };
    }
    const t = pick(threads);
    return { id, to: { thread: t }, run: () => node.manager.sendToThread(t as ThreadId, { id }) };
  });
  for (let i = 0; i < ops.length; i += 20) {
    const results = await Promise.all(ops.slice(i, i + 20).map((op) => op.run()));
    for (const r of results) expect(r.failedRemote).toBe(false);
  }

  const expected = conns.map((conn) =>
    ops
      .filter((op) => ('user' in op.to ? op.to.user === conn.user : conn.threads.has(op.to.thread)))
      .map((op) => op.id)
      .sort(),
  );
  const received = () =>
    conns.map((conn) =>
      conn.c
        .messages()
        .map((m) => (m.data as { id: string }).id)
        .sort(),
    );
  // Up to 8 s to settle; on a timeout the assertion below shows the difference.
  await waitFor(() => JSON.stringify(received()) === JSON.stringify(expected), {
    timeoutMs: 8000,
    intervalMs: 50,
  }).catch(() => undefined);
  await sleep(100);
  expect(received()).toEqual(expected);

  const gone = new Set<Conn>();
  // After churn the registry holds exactly the live connections, seen from any instance.
  const registry = async () =>
    Promise.all(
      users.map(async (u) =>
        (
          (await pick(nodes).manager.findUser(u as UserId))?.connections.map(
            (c) => c.connectionId,
          ) ?? []
        ).sort(),
      ),
    );
  const live = () =>
    users.map((u) =>
      conns
        .filter((c) => c.user === u && c.c.client.closed === undefined && !gone.has(c))
        .map((c) => c.c.id)
        .sort(),
    );
  expect(await registry()).toEqual(live());
  for (const conn of conns) {
    if (rand() < 0.5) {
      conn.c.client.close(1000);
      gone.add(conn);
    }
  }
  await waitFor(async () => JSON.stringify(await registry()) === JSON.stringify(live()), {
    timeoutMs: 5000,
    intervalMs: 50,
  }).catch(() => undefined);
  expect(await registry()).toEqual(live());
}
