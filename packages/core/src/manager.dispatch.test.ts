import { describe, expect, it } from 'vitest';
import { CloseCode } from './closeCodes.js';
import { threadId, userId } from './ids.js';
import { flush, testManager } from './internal/testSupport.js';
import { createManager } from './manager.js';
import { silentLogger } from './logger.js';
import { createMemorySocketPair, createManualClock } from './testing/index.js';

describe('wire protocol dispatch', () => {
  it('join, publish to every member including the sender, leave', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const a2 = await m.connect('alice');
    const b = await m.connect('bob');
    for (const c of [a, a2, b]) c.client.sendFrame({ type: 'join', thread: 'room:1', id: 'j' });
    await flush();
    a.client.sendFrame({ type: 'publish', thread: 'room:1', data: { text: 'hi' }, id: 7 });
    await flush();
    const ack = a.after().find((f) => f.type === 'ack' && f.id === 7);
    expect(ack).toMatchObject({ type: 'ack', id: 7 });
    const offset = (ack as { offset: string }).offset;
    expect(offset).toMatch(/^\d+-\d+$/);
    for (const c of [a, a2, b]) {
      expect(c.after().filter((f) => f.type === 'message')).toEqual([
        { type: 'message', thread: 'room:1', from: 'alice', data: { text: 'hi' }, offset },
      ]);
    }
    b.client.sendFrame({ type: 'leave', thread: 'room:1', id: 'l' });
    await flush();
    expect(b.after().at(-1)).toEqual({ type: 'ack', id: 'l' });
    const r = await m.sendToThread(threadId('room:1'), 'x');
    expect(r.delivered).toBe(2);
    await m.close();
  });

  it('acknowledges only requests with an id: without one a request is fire-and-forget', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const b = await m.connect('bob');
    a.client.sendFrame({ type: 'join', thread: 'room:1' });
    b.client.sendFrame({ type: 'join', thread: 'room:1', id: 'j' });
    await flush();
    a.client.sendFrame({ type: 'publish', thread: 'room:1', data: 'no-id' });
    a.client.sendFrame({ type: 'direct', to: 'bob', data: 'dm' });
    a.client.sendFrame({ type: 'publish', thread: 'room:1', data: 'with-id', id: 9 });
    a.client.sendFrame({ type: 'publish', thread: 'other', data: 'refused' });
    await flush();
    const seen = a.after();
    expect(seen.filter((f) => f.type === 'ack').map((f) => (f as { id: unknown }).id)).toEqual([9]);
    // A failure is never silent, id or not.
    expect(seen.filter((f) => f.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'forbidden',
        message: 'join "other" before publishing to it',
      },
    ]);
    expect(
      b.after().flatMap((f) => (f.type === 'message' ? [(f as { data: unknown }).data] : [])),
    ).toEqual(['no-id', 'dm', 'with-id']);
    expect(b.after().filter((f) => f.type === 'ack')).toEqual([{ type: 'ack', id: 'j' }]);
    await m.close();
  });

  it('takes a queued client frame with a "reject" field for the frame it is, not for a refusal', async () => {
    const m = testManager();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    m.use({
      name: 'slow-first',
      setup: (ctx) => {
        ctx.inbound(async (_conn, frame, next) => {
          if (frame.type === 'publish' && first) {
            first = false;
            await gate; // the connection is busy: the next frames wait in its queue
          }
          await next();
        });
      },
    });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'room:1', id: 'j' });
    await flush();
    a.client.sendFrame({ type: 'publish', thread: 'room:1', data: 1, id: 1 });
    a.client.sendFrame({
      type: 'publish',
      thread: 'room:1',
      data: 2,
      id: 2,
      reject: { id: 9, code: 'forbidden', message: 'forged' },
    });
    await flush();
    release();
    await flush();
    const frames = a.after();
    expect(frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(frames.filter((f) => f.type === 'message').map((f) => f.data)).toEqual([1, 2]);
    expect(frames.filter((f) => f.type === 'ack').map((f) => f.id)).toEqual(['j', 1, 2]);
    await m.close();
  });

  it('denies every join and direct message until authorizers are supplied', async () => {
    const m = createManager({ logger: silentLogger() });
    const pair = createMemorySocketPair();
    await m.connectUser(userId('alice'), pair.server);
    pair.client.sendFrame({ type: 'join', thread: 'room', id: 1 });
    pair.client.sendFrame({ type: 'direct', to: 'bob', data: 1, id: 2 });
    await flush();
    expect(pair.client.frames().slice(1)).toEqual([
      { type: 'error', id: 1, code: 'forbidden', message: 'not allowed to join "room"' },
      { type: 'error', id: 2, code: 'forbidden', message: 'not allowed to message this user' },
    ]);
    await m.close();
  });

  it('passes user and thread to authorizeThread and honours its answer', async () => {
    const calls: string[] = [];
    const m = testManager({
      authorizeThread: (u, t) => {
        calls.push(`${u}:${t}`);
        return Promise.resolve(t.startsWith('public'));
      },
    });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'public-1', id: 1 });
    a.client.sendFrame({ type: 'join', thread: 'secret', id: 2 });
    await flush();
    expect(calls).toEqual(['alice:public-1', 'alice:secret']);
    expect(a.after()).toEqual([
      { type: 'ack', id: 1 },
      { type: 'error', id: 2, code: 'forbidden', message: 'not allowed to join "secret"' },
    ]);
    await m.close();
  });

  it('refuses publish and resume to a thread the connection has not joined', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'publish', thread: 't', data: 1, id: 1 });
    a.client.sendFrame({ type: 'resume', thread: 't', offset: '0-0', id: 2 });
    await flush();
    expect(a.after().map((f) => f.type === 'error' && f.code)).toEqual(['forbidden', 'forbidden']);
    await m.close();
  });

  it('delivers direct messages to every connection of the target user only', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const b1 = await m.connect('bob');
    const b2 = await m.connect('bob');
    const c = await m.connect('carol');
    a.client.sendFrame({ type: 'direct', to: 'bob', data: 'psst', id: 1 });
    await flush();
    expect(a.after()).toEqual([{ type: 'ack', id: 1 }]);
    for (const b of [b1, b2])
      expect(b.after()).toEqual([{ type: 'message', from: 'alice', data: 'psst' }]);
    expect(c.after()).toEqual([]);
    await m.close();
  });

  it('answers ping with pong and emits pong events without counting them', async () => {
    const m = testManager({ inboundRate: { perSecond: 1, burst: 1 } });
    const pongs: string[] = [];
    m.on('pong', (_c, kind) => pongs.push(kind));
    const a = await m.connect('alice');
    for (let i = 0; i < 5; i++) a.client.sendFrame({ type: 'ping' });
    a.client.sendFrame({ type: 'pong' });
    a.client.pong();
    await flush();
    expect(a.after()).toEqual(Array.from({ length: 5 }, () => ({ type: 'pong' })));
    expect(pongs).toEqual(['application', 'protocol']);
    await m.close();
  });

  it.each([
    ['not json', 'bad_request'],
    ['[1,2]', 'bad_request'],
    ['null', 'bad_request'],
    ['{"thread":"x"}', 'bad_request'],
    ['{"type":7}', 'bad_request'],
    ['{"type":"nope"}', 'unknown_type'],
    ['{"type":"__proto__"}', 'unknown_type'],
    ['{"type":"constructor"}', 'unknown_type'],
    ['{"type":"toString"}', 'unknown_type'],
    ['{"type":"hasOwnProperty"}', 'unknown_type'],
    ['{"type":"join"}', 'bad_request'],
    ['{"type":"join","thread":"has space"}', 'bad_request'],
    ['{"type":"join","thread":"a*"}', 'bad_request'],
    ['{"type":"join","thread":"{x}"}', 'bad_request'],
    [`{"type":"join","thread":"${'a'.repeat(129)}"}`, 'bad_request'],
    ['{"type":"join","thread":""}', 'bad_request'],
    ['{"type":"publish","thread":"t"}', 'bad_request'],
    ['{"type":"direct","data":1}', 'bad_request'],
    ['{"type":"direct","to":"","data":1}', 'bad_request'],
    ['{"type":"resume","thread":"t"}', 'bad_request'],
    ['{"type":"resume","thread":"t","offset":"abc"}', 'bad_request'],
    ['{"type":"join","thread":"t","id":{"x":1}}', 'bad_request'],
    [`${'['.repeat(40)}${']'.repeat(40)}`, 'bad_request'],
  ])('refuses %s with %s', async (raw, code) => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.send(raw);
    await flush();
    const [err] = a.after();
    expect(err).toMatchObject({ type: 'error', code });
    expect(Object.prototype).not.toHaveProperty('polluted');
    await m.close();
  });

  it('echoes the request id in errors when the frame had a valid one', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'bogus', id: 'r1' });
    a.client.sendFrame({ type: 'join', thread: 'bad thread', id: 9 });
    await flush();
    expect(a.after()).toEqual([
      { type: 'error', id: 'r1', code: 'unknown_type', message: 'unknown frame type "bogus"' },
      {
        type: 'error',
        id: 9,
        code: 'bad_request',
        message: '"thread" must be 1-128 characters of A-Za-z0-9 : _ - . @',
      },
    ]);
    await m.close();
  });

  it('closes with 1008 on the 10th consecutive violation, not before', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    for (let i = 0; i < 9; i++) a.client.send('garbage');
    await flush();
    expect(a.client.closed).toBeUndefined();
    a.client.send('garbage');
    await flush();
    expect(a.client.closed?.code).toBe(CloseCode.policyViolation);
    expect(m.getStats().connections).toBe(0);
    await m.close();
  });

  it('resets the violation count after a good frame', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    for (let i = 0; i < 9; i++) a.client.send('garbage');
    a.client.sendFrame({ type: 'join', thread: 'ok', id: 1 });
    await flush();
    for (let i = 0; i < 9; i++) a.client.send('garbage');
    await flush();
    expect(a.client.closed).toBeUndefined();
    await m.close();
  });

  it('limits inbound frames per connection with rate_limited, refilling over time', async () => {
    const clock = createManualClock();
    const m = testManager({ clock, inboundRate: { perSecond: 10, burst: 3 }, maxViolations: 100 });
    const a = await m.connect('alice');
    for (let i = 0; i < 5; i++) a.client.sendFrame({ type: 'join', thread: `t${i}`, id: i });
    await flush();
    expect(a.after().map((f) => (f.type === 'error' ? f.code : f.type))).toEqual([
      'ack',
      'ack',
      'ack',
      'rate_limited',
      'rate_limited',
    ]);
    clock.advance(200);
    a.client.sendFrame({ type: 'join', thread: 'later', id: 'later' });
    await flush();
    expect(a.after().at(-1)).toEqual({ type: 'ack', id: 'later' });
    await m.close();
  });

  it('closes with 1009 when a message is over maxMessageBytes', async () => {
    const m = testManager({ maxMessageBytes: 100 });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'publish', thread: 't', data: 'é'.repeat(60) });
    await flush();
    expect(a.client.closed?.code).toBe(CloseCode.messageTooBig);
    const b = await m.connect('bob');
    b.client.send(new Uint8Array(101));
    await flush();
    expect(b.client.closed?.code).toBe(CloseCode.messageTooBig);
    await m.close();
  });

  it('refuses a join past maxThreadsPerConnection with forbidden', async () => {
    const m = testManager({ maxThreadsPerConnection: 2 });
    const a = await m.connect('alice');
    for (const t of ['a', 'b', 'c']) a.client.sendFrame({ type: 'join', thread: t, id: t });
    await flush();
    expect(a.after()).toEqual([
      { type: 'ack', id: 'a' },
      { type: 'ack', id: 'b' },
      { type: 'error', id: 'c', code: 'forbidden', message: 'thread limit reached (2)' },
    ]);
    await expect(m.joinThread(a.id, threadId('d'))).rejects.toMatchObject({ code: 'forbidden' });
    await m.close();
  });

  it("processes one connection's frames in arrival order even with slow async middleware", async () => {
    const m = testManager();
    m.use({
      name: 'slow',
      setup(ctx) {
        ctx.inbound(async (_conn, frame, next) => {
          if (frame.type === 'join' && frame.thread === 'first')
            await new Promise((r) => setTimeout(r, 30));
          await next();
        });
      },
    });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 'first', id: 1 });
    a.client.sendFrame({ type: 'join', thread: 'second', id: 2 });
    await new Promise((r) => setTimeout(r, 60));
    await flush();
    expect(a.after()).toEqual([
      { type: 'ack', id: 1 },
      { type: 'ack', id: 2 },
    ]);
    await m.close();
  });

  it('treats a throwing inbound middleware as internal_error, reported, connection kept', async () => {
    const errors: string[] = [];
    const m = testManager({ onError: (e, info) => errors.push(`${info.stage}:${e.message}`) });
    m.use({
      name: 'boom',
      setup(ctx) {
        ctx.inbound(() => {
          throw new Error('bug');
        });
      },
    });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 't', id: 1 });
    await flush();
    expect(a.after()).toEqual([
      {
        type: 'error',
        id: 1,
        code: 'internal_error',
        message: 'the server failed to handle this frame',
      },
    ]);
    expect(errors).toEqual(['inbound:bug']);
    expect(a.client.closed).toBeUndefined();
    await m.close();
  });

  it('handles throwing authorizers as internal_error without a violation', async () => {
    const m = testManager({
      authorizeThread: () => Promise.reject(new Error('db down')),
      onError: () => {},
    });
    const a = await m.connect('alice');
    for (let i = 0; i < 12; i++) a.client.sendFrame({ type: 'join', thread: 't', id: i });
    await flush(5);
    expect(a.after().every((f) => f.type === 'error' && f.code === 'internal_error')).toBe(true);
    expect(a.client.closed).toBeUndefined();
    await m.close();
  });
});

describe('answers to a client publish', () => {
  it('refuses with invalid_message when an outbound filter consumed it (nothing lost silently)', async () => {
    const m = testManager();
    m.use({
      name: 'no-shouting',
      setup(ctx) {
        ctx.outbound((_target, frame, next) => {
          if (frame.type === 'message' && frame.data === 'LOUD') return;
          return next();
        });
      },
    });
    const a = await m.connect('alice');
    a.client.sendFrame({ type: 'join', thread: 't', id: 1 });
    a.client.sendFrame({ type: 'publish', thread: 't', data: 'LOUD', id: 2 });
    await flush();
    expect(a.after()).toEqual([
      { type: 'ack', id: 1 },
      { type: 'error', id: 2, code: 'invalid_message', message: 'refused by an outbound filter' },
    ]);
    await m.close();
  });
});
