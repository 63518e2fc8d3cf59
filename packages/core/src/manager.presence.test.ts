import { describe, expect, it } from 'vitest';
import type { ServerFrame } from './index.js';
import { threadId } from './index.js';
import { createMemoryHub } from './memoryHub.js';
import type { TestConn } from './internal/testSupport.js';
import { flush, testManager } from './internal/testSupport.js';
import { createManualClock } from './testing/manualClock.js';

const room = threadId('room:1');

type Diff = Extract<ServerFrame, { type: 'presence_diff' }>;
const diffs = (c: TestConn): Diff[] => c.client.framesOf('presence_diff');

/** Moves the manual clock (presence diffs are due) and lets the relays and writes run. */
async function tick(clock: ReturnType<typeof createManualClock>, ms = 200): Promise<void> {
  clock.advance(ms);
  await flush();
}

/** Joins over the wire, watching presence, and waits for the answer. */
async function watch(c: TestConn, thread = 'room:1'): Promise<void> {
  c.client.sendFrame({ type: 'join', thread, id: 'w', presence: true });
  await flush();
}

describe('presence', () => {
  it('counts a user once across tabs; one join diff, nothing for a second tab, one leave', async () => {
    const clock = createManualClock();
    const m = testManager({ clock, authorizePresence: () => true });
    const watcher = await m.connect('watcher');
    await watch(watcher);
    expect(watcher.client.framesOf('ack').at(-1)).toMatchObject({ id: 'w' });
    const a1 = await m.connect('alice');
    const a2 = await m.connect('alice');
    const b = await m.connect('bob');
    for (const c of [a1, a2, b]) await m.joinThread(c.id, room);
    await flush();
    const page = await m.presence(room);
    expect(page).toEqual({
      count: 3,
      users: [
        { userId: 'alice', connections: 2 },
        { userId: 'bob', connections: 1 },
        { userId: 'watcher', connections: 1 },
      ],
      next: null,
    });
    await tick(clock);
    // One coalesced diff: the watcher itself, alice once, bob.
    expect(diffs(watcher)).toEqual([
      { type: 'presence_diff', thread: 'room:1', joins: ['watcher', 'alice', 'bob'], leaves: [] },
    ]);
    a1.client.close(1000);
    await flush();
    await tick(clock, 1000);
    expect(diffs(watcher)).toHaveLength(1);
    expect(await m.presence(room)).toMatchObject({
      users: expect.arrayContaining([{ userId: 'alice', connections: 1 }]),
    });
    a2.client.close(1000);
    await flush();
    await tick(clock);
    expect(diffs(watcher).slice(1)).toEqual([
      { type: 'presence_diff', thread: 'room:1', joins: [], leaves: ['alice'] },
    ]);
    expect(await m.presenceCount(room)).toBe(2);
    await m.close();
  });
});

describe('presence across instances', () => {
  it("counts alice's tabs on two instances as one member; the join and the leave reach both", async () => {
    const clock = createManualClock();
    const hub = createMemoryHub();
    const a = testManager({ clock, cluster: hub.adapter(), authorizePresence: () => true });
    const b = testManager({ clock, cluster: hub.adapter(), authorizePresence: () => true });
    await flush();
    const wa = await a.connect('wa');
    const wb = await b.connect('wb');
    await watch(wa);
    await watch(wb);
    await tick(clock);
    const start = [diffs(wa).length, diffs(wb).length];
    const onA = await a.connect('alice');
    const onB = await b.connect('alice');
    await a.joinThread(onA.id, room);
    await b.joinThread(onB.id, room);
    await flush();
    expect(await a.presence(room)).toMatchObject({
      count: 3,
      users: expect.arrayContaining([{ userId: 'alice', connections: 2 }]),
    });
    expect(await b.presenceCount(room)).toBe(3);
    await tick(clock);
    for (const [w, n] of [
      [wa, start[0]],
      [wb, start[1]],
    ] as const) {
      expect(diffs(w).slice(n ?? 0)).toEqual([
        { type: 'presence_diff', thread: 'room:1', joins: ['alice'], leaves: [] },
      ]);
    }
    onA.client.close(1000);
    await flush();
    await tick(clock);
    onB.client.close(1000);
    await flush();
    await tick(clock);
    for (const [w, n] of [
      [wa, start[0]],
      [wb, start[1]],
    ] as const) {
      expect(diffs(w).slice((n ?? 0) + 1)).toEqual([
        { type: 'presence_diff', thread: 'room:1', joins: [], leaves: ['alice'] },
      ]);
    }
    await a.close();
    await b.close();
  });
});

describe('presence authorization', () => {
  it('refuses a non-member and a watch without authorizePresence; no diff reaches them', async () => {
    const clock = createManualClock();
    const open = testManager({ clock, authorizePresence: (_u, t) => t !== 'private:1' });
    const outsider = await open.connect('eve');
    outsider.client.sendFrame({ type: 'presence', thread: 'room:1', id: 1 });
    await flush();
    expect(outsider.client.framesOf('error').at(-1)).toMatchObject({ id: 1, code: 'forbidden' });
    outsider.client.sendFrame({ type: 'join', thread: 'private:1', id: 2, presence: true });
    await flush();
    expect(outsider.client.framesOf('error').at(-1)).toMatchObject({ id: 2, code: 'forbidden' });
    const member = await open.connect('mallory');
    await open.joinThread(member.id, threadId('private:1'));
    await tick(clock, 500);
    expect(diffs(outsider)).toEqual([]);
    expect(await open.presence(threadId('private:1'))).toMatchObject({ count: 1 });
    await open.close();

    const closed = testManager({ clock });
    const c = await closed.connect('carol');
    c.client.sendFrame({ type: 'join', thread: 'room:1', id: 3, presence: true });
    await flush();
    expect(c.client.framesOf('error').at(-1)).toMatchObject({ id: 3, code: 'forbidden' });
    expect(c.client.framesOf('ack')).toEqual([]);
    expect(await closed.presenceCount(room)).toBe(0); // the refused join joined nothing
    c.client.sendFrame({ type: 'join', thread: 'room:1', id: 4 });
    await flush();
    c.client.sendFrame({ type: 'presence', thread: 'room:1', id: 5 });
    await flush();
    expect(c.client.framesOf('error').at(-1)).toMatchObject({ id: 5, code: 'forbidden' });
    c.client.sendFrame({ type: 'presence', thread: 'room:1', id: 6, limit: 1001 });
    await flush();
    expect(c.client.framesOf('error').at(-1)).toMatchObject({ id: 6, code: 'bad_request' });
    await closed.close();
  });

  it('answers a member allowed by authorizePresence with an ack carrying the page', async () => {
    const m = testManager({ authorizePresence: () => true });
    const c = await m.connect('carol');
    c.client.sendFrame({ type: 'join', thread: 'room:1', id: 1 });
    await flush();
    c.client.sendFrame({ type: 'presence', thread: 'room:1', id: 2, limit: 10 });
    await flush();
    expect(c.client.framesOf('ack').at(-1)).toEqual({
      type: 'ack',
      id: 2,
      presence: { count: 1, users: [{ userId: 'carol', connections: 1 }], next: null },
    });
    await m.close();
  });
});

describe('presence at size', () => {
  it('5,000 members: exact count, paged once each; 200 joins over a second cost a watcher one diff per interval', async () => {
    const clock = createManualClock();
    const m = testManager({
      clock,
      maxConnectionsPerUser: 1,
      authorizePresence: () => true,
      presence: { fullListMax: 10_000 },
    });
    const watcher = await m.connect('watcher');
    await watch(watcher);
    for (let i = 0; i < 5_000; i++) {
      const c = await m.connect(`u${i}`);
      await m.joinThread(c.id, room);
    }
    await flush();
    expect(await m.presenceCount(room)).toBe(5_001);
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await m.presence(room, {
        limit: 1_000,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const u of page.users) seen.add(u.userId);
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(seen.size).toBe(5_001);
    expect(pages).toBe(6);
    await tick(clock);
    const before = diffs(watcher).length;
    for (let i = 0; i < 200; i++) {
      const c = await m.connect(`late${i}`);
      await m.joinThread(c.id, room);
      clock.advance(5); // 200 joins spread over one second
      await flush(1);
    }
    await tick(clock);
    const late = diffs(watcher).slice(before);
    expect(late.length).toBeLessThanOrEqual(1000 / 200 + 1);
    expect(late.flatMap((d) => d.joins as string[]).length).toBe(200);
    await expect(m.presence(room, { limit: 1_001 })).rejects.toMatchObject({
      code: 'invalid_options',
    });
    await m.close();
  });

  it('above fullListMax diffs carry counts only; back under, the watcher gets the list once', async () => {
    const clock = createManualClock();
    const m = testManager({ clock, authorizePresence: () => true, presence: { fullListMax: 3 } });
    const watcher = await m.connect('watcher');
    await watch(watcher);
    const conns: TestConn[] = [];
    for (const u of ['a', 'b', 'c']) {
      const c = await m.connect(u);
      await m.joinThread(c.id, room);
      conns.push(c);
    }
    await flush();
    await tick(clock);
    expect(diffs(watcher).at(-1)).toEqual({
      type: 'presence_diff',
      thread: 'room:1',
      joins: 4,
      leaves: 0,
      count: 4,
    });
    conns[0]?.client.close(1000);
    await flush();
    await tick(clock);
    expect(diffs(watcher).at(-1)).toEqual({
      type: 'presence_diff',
      thread: 'room:1',
      joins: ['b', 'c', 'watcher'],
      leaves: [],
      reset: true,
    });
    conns.push(await m.connect('d'));
    await m.joinThread(conns[3]?.id as never, room);
    await flush();
    watcher.client.sendFrame({ type: 'presence', thread: 'room:1', id: 'p' });
    await flush();
    expect(watcher.client.framesOf('ack').at(-1)).toMatchObject({
      id: 'p',
      presence: { count: 4, countsOnly: true, next: null },
    });
    await m.close();
  });

  it('emits join and leave events per connection and thread', async () => {
    const m = testManager();
    const events: string[] = [];
    m.on('join', (c, t) => events.push(`join ${c.userId} ${t}`));
    m.on('leave', (c, t) => events.push(`leave ${c.userId} ${t}`));
    const c = await m.connect('dan');
    await m.joinThread(c.id, room);
    await m.joinThread(c.id, threadId('room:2'));
    await m.leaveThread(c.id, room);
    c.client.close(1000);
    await flush();
    expect(events).toEqual([
      'join dan room:1',
      'join dan room:2',
      'leave dan room:1',
      'leave dan room:2',
    ]);
    await m.close();
  });
});

describe('presence off', () => {
  it('with presence.enabled false nothing is counted and every presence call is refused', async () => {
    const hub = createMemoryHub();
    const m = testManager({
      cluster: hub.adapter(),
      presence: { enabled: false },
      authorizePresence: () => true,
    });
    const on = testManager({ cluster: hub.adapter(), authorizePresence: () => true });
    await flush();
    const c = await m.connect('carol');
    await m.joinThread(c.id, room);
    await flush();
    expect(await on.presenceCount(room)).toBe(0);
    await expect(m.presence(room)).rejects.toMatchObject({ code: 'unavailable' });
    await expect(m.presenceCount(room)).rejects.toMatchObject({ code: 'unavailable' });
    c.client.sendFrame({ type: 'presence', thread: 'room:1', id: 1 });
    await flush();
    expect(c.client.framesOf('error').at(-1)).toMatchObject({ id: 1, code: 'forbidden' });
    expect(() => testManager({ presence: { enabled: 'no' as never } })).toThrow(/presence.enabled/);
    await m.close();
    await on.close();
  });
});
