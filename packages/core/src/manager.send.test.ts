import { describe, expect, it } from 'vitest';
import type { Codec } from './codec.js';
import { createJsonCodec } from './codec.js';
import { CloseCode } from './closeCodes.js';
import type { ServerFrame } from './frames.js';
import { connectionId, threadId, userId } from './ids.js';
import { testManager } from './internal/testSupport.js';

function countingCodec(name: string, counter: { n: number }): Codec {
  const json = createJsonCodec({ name });
  return {
    ...json,
    encode(frame: ServerFrame) {
      counter.n++;
      return json.encode(frame);
    },
  };
}

describe('sending', () => {
  it('returns a SendResult with deliveries, and none for an offline user', async () => {
    const m = testManager();
    await m.connect('alice');
    await m.connect('alice');
    expect(await m.sendToUser(userId('alice'), { n: 1 })).toEqual({
      ok: true,
      delivered: 2,
      published: false,
      failedRemote: false,
      dropped: {},
    });
    expect(await m.sendToUser(userId('nobody'), 1)).toEqual({
      ok: true,
      delivered: 0,
      published: false,
      failedRemote: false,
      dropped: {},
    });
    await m.close();
  });

  it('sends app messages with from: null and sender ids when given', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    await m.sendToUser(userId('alice'), 'sys');
    await m.sendToUser(userId('alice'), 'hey', { from: userId('bob') });
    expect(a.after()).toEqual([
      { type: 'message', from: null, data: 'sys' },
      { type: 'message', from: 'bob', data: 'hey' },
    ]);
    await m.close();
  });

  it('encodes once per codec in use, not per recipient', async () => {
    const jsonCount = { n: 0 };
    const otherCount = { n: 0 };
    const m = testManager();
    const json = countingCodec('wsm.v1.json', jsonCount);
    const other = countingCodec('wsm.v1.other', otherCount);
    const conns = [];
    for (let i = 0; i < 5; i++)
      conns.push(await m.connect(`u${i}`, { codec: i < 3 ? json : other }));
    for (const c of conns) await m.joinThread(c.id, threadId('room'));
    jsonCount.n = 0;
    otherCount.n = 0;
    const r = await m.sendToThread(threadId('room'), 'x');
    expect(r.delivered).toBe(5);
    expect(jsonCount.n).toBe(1);
    expect(otherCount.n).toBe(1);
    await m.close();
  });

  it('frames once per send through prepare/sendPrepared when sockets offer it', async () => {
    const m = testManager();
    const conns = [];
    for (let i = 0; i < 3; i++) conns.push(await m.connect(`u${i}`, {}, { prepared: true }));
    for (const c of conns) await m.joinThread(c.id, threadId('room'));
    const r = await m.sendToThread(threadId('room'), 'x');
    expect(r.delivered).toBe(3);
    for (const c of conns) expect(c.after().at(-1)).toMatchObject({ type: 'message', data: 'x' });
    await m.close();
  });

  it('excludes connections named in except', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const b = await m.connect('bob');
    await m.joinThread(a.id, threadId('t'));
    await m.joinThread(b.id, threadId('t'));
    const r = await m.sendToThread(threadId('t'), 1, { except: a.id });
    expect(r.delivered).toBe(1);
    expect(a.after()).toEqual([]);
    await m.close();
  });

  it('serializes BigInt, Date, Map, Set and Error without throwing', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const r = await m.sendToUser(userId('alice'), {
      big: 12345678901234567890n,
      when: new Date(0),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      err: new Error('oops'),
    });
    expect(r.ok).toBe(true);
    expect(a.after()).toEqual([
      {
        type: 'message',
        from: null,
        data: {
          big: '12345678901234567890',
          when: '1970-01-01T00:00:00.000Z',
          map: { k: 1 },
          set: [1, 2],
          err: { name: 'Error', message: 'oops' },
        },
      },
    ]);
    await m.close();
  });

  it('turns an unserializable message into a failed SendResult that reached nobody', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const r = await m.sendToUser(userId('alice'), cyclic);
    expect(r).toMatchObject({ ok: false, delivered: 0 });
    expect(r.error?.code).toBe('unserializable');
    const throwing = {
      toJSON: () => {
        throw new Error('no');
      },
    };
    const r2 = await m.broadcast(throwing);
    expect(r2.error?.code).toBe('unserializable');
    expect(a.after()).toEqual([]);
    await m.close();
  });

  it('reports not_found for a connection that is not here', async () => {
    const m = testManager();
    const r = await m.sendToConnection(connectionId('nope'), 1);
    expect(r).toMatchObject({ ok: true, delivered: 0, dropped: { not_found: 1 } });
    await m.close();
  });

  it('broadcasts to every connection', async () => {
    const m = testManager();
    const cs = [await m.connect('a'), await m.connect('b'), await m.connect('c')];
    const r = await m.broadcast({ hello: 'all' });
    expect(r.delivered).toBe(3);
    for (const c of cs)
      expect(c.after()).toEqual([{ type: 'message', from: null, data: { hello: 'all' } }]);
    await m.close();
  });

  it('drops messages for a slow consumer, counts them, and sends resync once drained', async () => {
    const m = testManager({ maxBufferedBytes: 100 });
    const slow = await m.connect('slow');
    const fast = await m.connect('fast');
    await m.joinThread(slow.id, threadId('t'));
    await m.joinThread(fast.id, threadId('t'));
    slow.client.stall();
    let dropped = 0;
    for (let i = 0; i < 10; i++) {
      const r = await m.sendToThread(threadId('t'), 'x'.repeat(50));
      dropped += r.dropped.slow_consumer ?? 0;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(messageCount(fast.after())).toBe(10);
    expect(m.metrics.read('ws_messages_dropped_total')?.samples).toContainEqual({
      labels: { cause: 'slow_consumer' },
      value: dropped,
    });
    slow.client.drain();
    await m.sendToThread(threadId('t'), 'after');
    const tail = slow.after();
    expect(tail.filter((f) => f.type === 'resync')).toEqual([{ type: 'resync', thread: 't' }]);
    expect(tail.at(-1)).toMatchObject({ type: 'message', data: 'after' });
    expect(messageCount(tail)).toBe(10 - dropped + 1);
    await m.close();
  });

  it('closes a slow consumer with 1013 under slowConsumer: close', async () => {
    const m = testManager({ maxBufferedBytes: 10, slowConsumer: 'close' });
    const slow = await m.connect('slow');
    slow.client.stall();
    await m.sendToUser(userId('slow'), 'x'.repeat(50));
    const r = await m.sendToUser(userId('slow'), 'more');
    expect(r.dropped.slow_consumer).toBe(1);
    expect(slow.client.closed?.code).toBe(CloseCode.tryAgainLater);
    expect(m.getStats().connections).toBe(0);
    await m.close();
  });

  it('runs outbound middleware once per send; a consumed message is not sent and is counted', async () => {
    const m = testManager();
    let calls = 0;
    m.use({
      name: 'filter',
      setup(ctx) {
        ctx.outbound((_target, frame, next) => {
          calls++;
          if (frame.type === 'message' && frame.data === 'blocked') return;
          return next(
            frame.type === 'message' ? { ...frame, data: `${String(frame.data)}!` } : frame,
          );
        });
      },
    });
    const cs = [await m.connect('a'), await m.connect('b')];
    for (const c of cs) await m.joinThread(c.id, threadId('t'));
    const ok = await m.sendToThread(threadId('t'), 'hi');
    expect(calls).toBe(1);
    expect(ok.delivered).toBe(2);
    const blocked = await m.sendToThread(threadId('t'), 'blocked');
    expect(blocked).toMatchObject({ delivered: 0, dropped: { filtered: 1 } });
    for (const c of cs)
      expect(c.after().map((f) => f.type === 'message' && f.data)).toEqual(['hi!']);
    await m.close();
  });

  it('rejects a bad thread id at the API with bad_request', async () => {
    const m = testManager();
    expect(() => m.sendToThread('bad id' as never, 1)).toThrow(/thread id/);
    await m.close();
  });

  it('fails sends after close with code closed', async () => {
    const m = testManager();
    await m.close();
    const r = await m.broadcast(1);
    expect(r.error?.code).toBe('closed');
  });
});

function messageCount(frames: readonly ServerFrame[]): number {
  return frames.filter((f) => f.type === 'message').length;
}
