import { describe, expect, it } from 'vitest';
import { threadId, userId } from './ids.js';
import { flush, testManager } from './internal/testSupport.js';

describe('two managers in one process', () => {
  it("never see each other's connections, threads, sends, sessions or metrics", async () => {
    const a = testManager({ instanceId: 'a' });
    const b = testManager({ instanceId: 'b' });
    const onA = await a.connect('alice');
    const onB = await b.connect('alice');
    await a.joinThread(onA.id, threadId('room'));
    await b.joinThread(onB.id, threadId('room'));

    expect((await a.sendToUser(userId('alice'), 'from-a')).delivered).toBe(1);
    expect((await b.sendToThread(threadId('room'), 'from-b')).delivered).toBe(1);
    expect(onA.after().map((f) => f.type === 'message' && f.data)).toEqual(['from-a']);
    expect(onB.after().map((f) => f.type === 'message' && f.data)).toEqual(['from-b']);

    expect((await a.findUser(userId('alice')))?.connections).toEqual([
      { connectionId: onA.id, instanceId: 'a' },
    ]);
    expect(a.getStats().connections).toBe(1);
    expect(b.getStats().connections).toBe(1);
    expect(a.metrics).not.toBe(b.metrics);
    expect(a.metrics.read('ws_messages_sent_total')).not.toEqual(undefined);

    // A session of one manager means nothing to the other.
    onA.client.abort();
    await flush();
    const stolen = await b.connect('alice', { resumeToken: onA.welcome().resumeToken });
    expect(stolen.welcome().restored).toEqual([]);

    await a.close();
    expect(b.state).toBe('running');
    expect((await b.sendToUser(userId('alice'), 'still')).delivered).toBe(2);
    await b.close();
  });

  it('keep their limits apart (one user may hold 3 on each)', async () => {
    const a = testManager();
    const b = testManager();
    for (let i = 0; i < 3; i++) {
      await a.connect('alice');
      await b.connect('alice');
    }
    expect(a.getStats().connections + b.getStats().connections).toBe(6);
    await a.close();
    await b.close();
  });
});
