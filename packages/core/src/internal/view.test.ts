import { describe, expect, it } from 'vitest';
import type { Connection } from '../connection.js';
import type { ThreadId } from '../ids.js';
import { flush, testManager } from './testSupport.js';

describe('connection views', () => {
  it('threads is one live set per connection: read before the first join, it shows later joins and leaves', async () => {
    const m = testManager();
    const views = new Map<string, Connection>();
    m.on('connection', (conn) => views.set(conn.id, conn));
    const a = await m.connect('alice');
    const b = await m.connect('bob');
    const va = views.get(a.id) as Connection;
    const vb = views.get(b.id) as Connection;
    const before = va.threads;
    expect([...before]).toEqual([]);
    expect(vb.threads).not.toBe(before);
    await m.joinThread(a.id, 'room' as ThreadId);
    expect(va.threads).toBe(before);
    expect([...before]).toEqual(['room']);
    expect([...vb.threads]).toEqual([]);
    await m.leaveThread(a.id, 'room' as ThreadId);
    expect(va.threads).toBe(before);
    expect(before.size).toBe(0);
    await m.close();
  });

  it('a view read after the first join sees the same set as the cluster adapter', async () => {
    const m = testManager();
    let view: Connection | undefined;
    m.on('connection', (conn) => {
      view = conn;
    });
    const a = await m.connect('alice');
    a.client.send(JSON.stringify({ type: 'join', thread: 'one', id: 'j1' }));
    await flush();
    expect([...(view as Connection).threads]).toEqual(['one']);
    const first = (view as Connection).threads;
    a.client.send(JSON.stringify({ type: 'join', thread: 'two', id: 'j2' }));
    await flush();
    expect((view as Connection).threads).toBe(first);
    expect([...first].sort()).toEqual(['one', 'two']);
    await m.close();
  });

  it('connections without threads share nothing a join could leak into', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const b = await m.connect('bob');
    await m.joinThread(a.id, 'room' as ThreadId);
    const members = await m.sendToThread('room' as ThreadId, { hi: 1 });
    expect(members.delivered).toBe(1);
    expect(a.after().some((f) => f.type === 'message')).toBe(true);
    expect(b.after().some((f) => f.type === 'message')).toBe(false);
    await m.close();
  });
});
