import { describe, expect, it } from 'vitest';
import type { MessageFrame } from './frames.js';
import { threadId, userId } from './ids.js';
import { flush, testManager } from './internal/testSupport.js';
import { localCluster } from './localCluster.js';
import { compareOffsets } from './offsets.js';
import { createManualClock, createMemorySocketPair } from './testing/index.js';

const messages = (frames: readonly { type: string }[]): MessageFrame[] =>
  frames.filter((f): f is MessageFrame => f.type === 'message');

describe('sessions and resume', () => {
  it('restores memberships from a resume token for the same user, with a new single-use token', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'one', id: 1 });
    a.client.sendFrame({ type: 'join', thread: 'two', id: 2 });
    await flush();
    const token = a.welcome().resumeToken;
    a.client.abort();
    await flush();

    const b = await m.connect('alice', { resumeToken: token });
    expect(b.welcome().restored).toEqual(['one', 'two']);
    expect(b.welcome().resumeToken).not.toBe(token);
    const r = await m.sendToThread(threadId('one'), 'hello');
    expect(r.delivered).toBe(1);

    // Single use: the old token restores nothing the second time.
    b.client.abort();
    await flush();
    const c = await m.connect('alice', { resumeToken: token });
    expect(c.welcome().restored).toEqual([]);
    await m.close();
  });

  it("gives another user a fresh session and leaves the victim's session intact", async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'private', id: 1 });
    await flush();
    const token = a.welcome().resumeToken;
    a.client.abort();
    await flush();

    const mallory = await m.connect('mallory', { resumeToken: token });
    expect(mallory.welcome().restored).toEqual([]);
    const sent = await m.sendToThread(threadId('private'), 'secret');
    expect(sent.delivered).toBe(0);
    expect(messages(mallory.client.frames())).toEqual([]);

    const back = await m.connect('alice', { resumeToken: token });
    expect(back.welcome().restored).toEqual(['private']);
    await m.close();
  });

  it('re-authorizes every restored thread and restores only what still passes', async () => {
    let allowed = new Set(['a', 'b']);
    const m = testManager({ authorizeThread: (_u, t) => allowed.has(t) });
    const first = await m.connect('alice');
    first.client.sendFrame({ type: 'join', thread: 'a', id: 1 });
    first.client.sendFrame({ type: 'join', thread: 'b', id: 2 });
    await flush();
    first.client.abort();
    await flush();
    allowed = new Set(['b']);
    const second = await m.connect('alice', { resumeToken: first.welcome().resumeToken });
    expect(second.welcome().restored).toEqual(['b']);
    await m.close();
  });

  it('expires sessions after sessionTtlMs', async () => {
    const clock = createManualClock();
    const m = testManager({ clock, sessionTtlMs: 5_000 });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 't', id: 1 });
    await flush();
    a.client.abort();
    await flush();
    clock.advance(5_001);
    const b = await m.connect('alice', { resumeToken: a.welcome().resumeToken });
    expect(b.welcome().restored).toEqual([]);
    await m.close();
  });

  it('stops a stale connection from writing a taken session back (generation)', async () => {
    const m = testManager();
    const old = await m.connect('alice');
    old.client.sendFrame({ type: 'join', thread: 't1', id: 1 });
    await flush();
    const token = old.welcome().resumeToken;
    // The client reconnects while the old (half-open) connection is still registered.
    const fresh = await m.connect('alice', { resumeToken: token });
    expect(fresh.welcome().restored).toEqual(['t1']);
    // The stale connection changes memberships and then drops: its writes must not revive the token.
    old.client.sendFrame({ type: 'join', thread: 't2', id: 2 });
    await flush();
    old.client.abort();
    await flush();
    const thief = await m.connect('alice', { resumeToken: token });
    expect(thief.welcome().restored).toEqual([]);
    await m.close();
  });

  it('replays missed thread messages inside the window, in order, then acks recovered: true', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    await flush();
    await m.sendToThread(threadId('room'), 1);
    await flush();
    const [seen] = messages(a.client.frames());
    const lastOffset = seen?.offset as string;
    const token = a.welcome().resumeToken;
    a.client.abort();
    await flush();
    for (const n of [2, 3, 4]) await m.sendToThread(threadId('room'), n);

    const b = await m.connect('alice', { resumeToken: token });
    b.client.sendFrame({ type: 'resume', thread: 'room', offset: lastOffset, id: 'r' });
    await flush();
    const after = b.after();
    expect(messages(after).map((f) => f.data)).toEqual([2, 3, 4]);
    const offsets = messages(after).map((f) => f.offset as string);
    expect([...offsets].sort(compareOffsets)).toEqual(offsets);
    expect(after.at(-1)).toEqual({ type: 'ack', id: 'r', recovered: true });
    await m.close();
  });

  it('answers recovered: false when the offset fell outside the kept window, replaying nothing', async () => {
    const m = testManager({ cluster: localCluster({ historySize: 2 }) });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    await flush();
    await m.sendToThread(threadId('room'), 1);
    await flush();
    const lastOffset = messages(a.client.frames())[0]?.offset as string;
    for (const n of [2, 3, 4]) await m.sendToThread(threadId('room'), n);
    a.client.sendFrame({ type: 'resume', thread: 'room', offset: lastOffset, id: 'r' });
    await flush();
    const tail = a.after().slice(-1);
    expect(tail).toEqual([{ type: 'ack', id: 'r', recovered: false }]);
    expect(messages(a.client.frames()).map((f) => f.data)).toEqual([1, 2, 3, 4]);
    await m.close();
  });

  it('never replays messages from before the session first joined the thread', async () => {
    const m = testManager();
    const early = await m.connect('bob');
    early.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    await flush();
    await m.sendToThread(threadId('room'), 'before-alice-1');
    await m.sendToThread(threadId('room'), 'before-alice-2');
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    await flush();
    await m.sendToThread(threadId('room'), 'after-alice');
    const token = a.welcome().resumeToken;
    a.client.abort();
    await flush();
    const b = await m.connect('alice', { resumeToken: token });
    // A malicious or confused client asks for everything from the beginning of time.
    b.client.sendFrame({ type: 'resume', thread: 'room', offset: '0-0', id: 'r' });
    await flush();
    expect(messages(b.after()).map((f) => f.data)).toEqual(['after-alice']);
    expect(b.after().at(-1)).toEqual({ type: 'ack', id: 'r', recovered: true });
    await m.close();
  });

  it('answers recovered: false for an offset from the future', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    a.client.sendFrame({ type: 'resume', thread: 'room', offset: '99999999999999-1', id: 'r' });
    await flush();
    expect(a.after().at(-1)).toEqual({ type: 'ack', id: 'r', recovered: false });
    await m.close();
  });

  it("keeps sessions across a connection's own resume within one manager without leaking to other users", async () => {
    const m = testManager();
    const pair = createMemorySocketPair();
    await m.connectUser(userId('alice'), pair.server);
    const token = (pair.client.frames()[0] as { resumeToken: string }).resumeToken;
    pair.client.abort();
    await flush();
    const other = createMemorySocketPair();
    await m.connectUser(userId('bob'), other.server, { resumeToken: token });
    expect(other.client.framesOf('welcome')[0]?.restored).toEqual([]);
    await m.close();
  });
});
