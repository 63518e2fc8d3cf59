import { threadId } from '@ws/core';
import { type } from 'arktype';
import { afterEach, describe, expect, it } from 'vitest';
import { schemaGate } from './schemaGate.js';
import type { Harness } from './test/harness.js';
import { flush, harness } from './test/harness.js';
import { schemaSets } from './test/schemas.js';

describe.each(schemaSets)('schemaGate with $library', (s) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('per frame type: a valid publish is delivered, an invalid one gets invalid_message and reaches nobody', async () => {
    h = await harness({ inbound: [schemaGate({ frames: { publish: s.publishFrame } })] });
    const alice = await h.connect('alice', ['room']);
    const bob = await h.connect('bob', ['room']);

    await alice.send({ type: 'publish', thread: 'room', data: { text: 'hi' }, id: 1 });
    await alice.send({ type: 'publish', thread: 'room', data: { text: 42 }, id: 2 });

    const ack = alice.frames().find((f) => f.type === 'ack');
    expect(ack).toMatchObject({ type: 'ack', id: 1 });
    expect(alice.frames().filter((f) => f.type === 'error')).toEqual([
      {
        type: 'error',
        id: 2,
        code: 'invalid_message',
        message: 'invalid publish frame: data.text: text must be a string',
      },
    ]);
    expect(bob.frames()).toEqual([
      {
        type: 'message',
        thread: 'room',
        from: 'alice',
        data: { text: 'hi' },
        offset: (ack as { offset: string }).offset,
      },
    ]);
    const rejects = h.manager.metrics.read('ws_quality_rejects_total');
    expect(rejects?.samples).toEqual([
      { labels: { gate: 'schema', direction: 'inbound', code: 'invalid_message' }, value: 1 },
    ]);
    expect(h.manager.metrics.read('ws_quality_passes_total')?.samples).toEqual([
      { labels: { gate: 'schema', direction: 'inbound' }, value: 1 },
    ]);
    // Frame types without a schema pass untouched (the join above, a leave here).
    await alice.send({ type: 'leave', thread: 'room', id: 3 });
    expect(alice.frames().at(-1)).toEqual({ type: 'ack', id: 3 });
  });

  it('per frame type: direct frames', async () => {
    h = await harness({ inbound: [schemaGate({ frames: { direct: s.directFrame } })] });
    const alice = await h.connect('alice');
    const bob = await h.connect('bob');
    await alice.send({ type: 'direct', to: 'bob', data: { body: 'hello' }, id: 'a' });
    await alice.send({ type: 'direct', to: 'bob', data: { body: ['x'] }, id: 'b' });
    expect(alice.frames()).toEqual([
      { type: 'ack', id: 'a' },
      {
        type: 'error',
        id: 'b',
        code: 'invalid_message',
        message: 'invalid direct frame: data.body: body must be a string',
      },
    ]);
    expect(bob.frames()).toEqual([{ type: 'message', from: 'alice', data: { body: 'hello' } }]);
  });

  it('per thread pattern: glob and RegExp, first match wins, unmatched threads pass', async () => {
    h = await harness({
      inbound: [
        schemaGate({
          threads: [
            { pattern: 'chat:*', schema: s.chat },
            { pattern: /^ops:/, schema: s.ops },
          ],
        }),
      ],
    });
    const alice = await h.connect('alice', ['chat:lobby', 'chat:a:b', 'ops:eu', 'misc']);
    await alice.send({ type: 'publish', thread: 'chat:lobby', data: { text: 'ok' }, id: 1 });
    await alice.send({ type: 'publish', thread: 'chat:lobby', data: { text: false }, id: 2 });
    await alice.send({
      type: 'publish',
      thread: 'chat:a:b',
      data: 'no schema: * stops at ":"',
      id: 3,
    });
    await alice.send({ type: 'publish', thread: 'ops:eu', data: { level: 'warn' }, id: 4 });
    await alice.send({ type: 'publish', thread: 'ops:eu', data: { level: 'debug' }, id: 5 });
    await alice.send({ type: 'publish', thread: 'misc', data: 1, id: 6 });
    const replies = alice.frames().filter((f) => f.type === 'ack' || f.type === 'error');
    expect(
      replies.map((f) =>
        f.type === 'ack' ? `ack ${String(f.id)}` : `${f.code} ${String(f.id)}: ${f.message}`,
      ),
    ).toEqual([
      'ack 1',
      'invalid_message 2: invalid data for thread "chat:lobby": data.text: text must be a string',
      'ack 3',
      'ack 4',
      'invalid_message 5: invalid data for thread "ops:eu": data.level: level must be info or warn',
      'ack 6',
    ]);
    expect(
      alice
        .frames()
        .filter((f) => f.type === 'message')
        .map((f) => f.type === 'message' && f.thread),
    ).toEqual(['chat:lobby', 'chat:a:b', 'ops:eu', 'misc']);
  });

  it('unmatchedThreads: reject, and several issues listed with (+N more)', async () => {
    h = await harness({
      inbound: [
        schemaGate({
          threads: [{ pattern: 'chat:**', schema: s.chat }],
          unmatchedThreads: 'reject',
          maxIssues: 2,
        }),
      ],
    });
    const alice = await h.connect('alice', ['chat:a:b', 'misc']);
    await alice.send({ type: 'publish', thread: 'misc', data: {}, id: 1 });
    await alice.send({
      type: 'publish',
      thread: 'chat:a:b',
      data: { text: 't', tags: ['x', 2, 3, 4, 5] },
      id: 2,
    });
    expect(alice.frames()).toEqual([
      {
        type: 'error',
        id: 1,
        code: 'invalid_message',
        message: 'no schema accepts messages in thread "misc"',
      },
      {
        type: 'error',
        id: 2,
        code: 'invalid_message',
        message:
          'invalid data for thread "chat:a:b": data.tags[1]: tag must be a string; data.tags[2]: tag must be a string (+2 more)',
      },
    ]);
  });

  it('async schemas keep the arrival order of a connection', async () => {
    h = await harness({
      inbound: [schemaGate({ threads: [{ pattern: 'n', schema: s.asyncPositive }] })],
    });
    const alice = await h.connect('alice', ['n']);
    alice.client.sendFrame({ type: 'publish', thread: 'n', data: { n: -1 }, id: 1 });
    alice.client.sendFrame({ type: 'publish', thread: 'n', data: { n: 2 }, id: 2 });
    alice.client.sendFrame({ type: 'publish', thread: 'n', data: { n: 'x' }, id: 3 });
    await flush(30);
    const replies = alice.frames().filter((f) => f.type !== 'message');
    expect(replies.map((f) => [f.type, 'id' in f ? f.id : undefined])).toEqual([
      ['error', 1],
      ['ack', 2],
      ['error', 3],
    ]);
    expect(replies[0]).toEqual({
      type: 'error',
      id: 1,
      code: 'invalid_message',
      message: 'invalid data for thread "n": data: n must be positive',
    });
    expect(replies[2]).toEqual({
      type: 'error',
      id: 3,
      code: 'invalid_message',
      message: 'invalid data for thread "n": data.n: n must be a number',
    });
  });

  it('outbound: an invalid message is not sent and is counted; a valid one is delivered', async () => {
    h = await harness({
      outbound: [schemaGate({ threads: [{ pattern: 'chat:*', schema: s.chat }] })],
    });
    const bob = await h.connect('bob', ['chat:lobby']);
    const bad = await h.manager.sendToThread(threadId('chat:lobby'), { text: 5 });
    expect(bad).toMatchObject({ ok: true, delivered: 0, dropped: { filtered: 1 } });
    const good = await h.manager.sendToThread(threadId('chat:lobby'), { text: 'fine' });
    expect(good).toMatchObject({ ok: true, delivered: 1, dropped: {} });
    expect(bob.frames()).toEqual([
      {
        type: 'message',
        thread: 'chat:lobby',
        from: null,
        data: { text: 'fine' },
        offset: good.offset,
      },
    ]);
    expect(h.manager.metrics.read('ws_quality_rejects_total')?.samples).toEqual([
      { labels: { gate: 'schema', direction: 'outbound', code: 'invalid_message' }, value: 1 },
    ]);
    expect(h.manager.metrics.read('ws_messages_dropped_total')?.samples).toContainEqual({
      labels: { cause: 'filtered' },
      value: 1,
    });
    expect(h.q.metrics().outbound).toEqual({
      passed: 1,
      rejected: { schema: { invalid_message: 1 } },
      closed: {},
    });
  });
});

describe('schemaGate with arktype (any Standard Schema library)', () => {
  it('validates thread data and reports arktype’s own messages', async () => {
    const h = await harness({
      inbound: [schemaGate({ threads: [{ pattern: 'chat:*', schema: type({ text: 'string' }) }] })],
    });
    const alice = await h.connect('alice', ['chat:x']);
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 'ok' }, id: 1 });
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 3 }, id: 2 });
    expect(alice.frames().filter((f) => f.type !== 'message')).toEqual([
      expect.objectContaining({ type: 'ack', id: 1 }),
      {
        type: 'error',
        id: 2,
        code: 'invalid_message',
        message:
          'invalid data for thread "chat:x": data.text: text must be a string (was a number)',
      },
    ]);
    await h.close();
  });
});

describe('schemaGate options', () => {
  it('refuses what is not a Standard Schema, and an empty gate', () => {
    expect(() => schemaGate({})).toThrow('schemaGate: give `frames` or `threads`');
    expect(() => schemaGate({ frames: { publish: {} as never } })).toThrow(
      'schemaGate: frames.publish is not a Standard Schema',
    );
    expect(() =>
      schemaGate({ threads: [{ pattern: 'x', schema: { parse: () => 1 } as never }] }),
    ).toThrow('schemaGate: threads[0].schema is not a Standard Schema');
    expect(() =>
      schemaGate({ threads: [{ pattern: 'x', schema: type('string') }], code: 'nope' as never }),
    ).toThrow('schemaGate: "nope" is not a wire error code');
  });

  it('cuts long messages to maxMessageLength', async () => {
    const gate = schemaGate({
      threads: [{ pattern: '**', schema: type({ text: 'string' }) }],
      maxMessageLength: 40,
    });
    const verdict = await gate.check({
      direction: 'outbound',
      target: { kind: 'all' },
      frame: { type: 'message', thread: 'abc', from: null, data: {} },
      now: 0,
      reportError: () => undefined,
    });
    expect(verdict).toEqual({
      verdict: 'reject',
      code: 'invalid_message',
      message: 'invalid data for thread "abc": data.tex…',
    });
    expect(verdict.verdict === 'reject' && verdict.message.length).toBe(40);
  });
});
