import { threadId, userId } from '@ws/core';
import { afterEach, describe, expect, it } from 'vitest';
import { customGate } from './customGate.js';
import { close, pass, reject } from './gate.js';
import type { GateInput } from './gate.js';
import { quality } from './quality.js';
import { rateLimitGate } from './rateLimitGate.js';
import { schemaGate } from './schemaGate.js';
import type { Harness } from './test/harness.js';
import { flush, harness } from './test/harness.js';
import { schemaSets } from './test/schemas.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(schemaSets)('a chain of gates with $library schemas', (s) => {
  const chain = () => [
    rateLimitGate({ perConnection: false, perUser: { perSecond: 1, burst: 3 } }),
    schemaGate({ threads: [{ pattern: 'chat:*', schema: s.chat }] }),
    customGate(
      ({ frame }) => {
        if (frame.type === 'publish' && (frame.data as { text?: unknown }).text === 'bye')
          return close(4000, 'said bye');
        if (frame.type === 'publish' && (frame.data as { text?: unknown }).text === 'spam')
          return reject('forbidden', 'no spam');
        return undefined;
      },
      { name: 'policy' },
    ),
  ];

  it('pass, reject by each gate with its code, close; the first refusal stops the chain', async () => {
    h = await harness({ inbound: chain() });
    const alice = await h.connect('alice', ['chat:x']);
    const bob = await h.connect('bob', ['chat:x']);
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 'hello' }, id: 1 });
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 7 }, id: 2 });
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 'spam' }, id: 3 });
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 'again' }, id: 4 });
    await bob.send({ type: 'publish', thread: 'chat:x', data: { text: 'bye' }, id: 5 });

    expect(alice.frames().filter((f) => f.type !== 'message')).toEqual([
      expect.objectContaining({ type: 'ack', id: 1 }),
      {
        type: 'error',
        id: 2,
        code: 'invalid_message',
        message: 'invalid data for thread "chat:x": data.text: text must be a string',
      },
      { type: 'error', id: 3, code: 'forbidden', message: 'no spam' },
      {
        type: 'error',
        id: 4,
        code: 'rate_limited',
        message: 'rate limit exceeded for this user; retry in 1000 ms',
      },
    ]);
    expect(bob.client.closed).toEqual({ code: 4000, reason: 'said bye' });
    expect(
      bob
        .frames()
        .filter((f) => f.type === 'message')
        .map((f) => f.type === 'message' && f.data),
    ).toEqual([{ text: 'hello' }]);

    const rejects = h.manager.metrics.read('ws_quality_rejects_total')?.samples ?? [];
    expect(
      rejects
        .map((r) => `${r.labels['gate']}/${r.labels['code']}=${'value' in r ? r.value : -1}`)
        .sort(),
    ).toEqual(['policy/forbidden=1', 'rate_limit/rate_limited=1', 'schema/invalid_message=1']);
    expect(h.manager.metrics.read('ws_quality_closes_total')?.samples).toEqual([
      { labels: { gate: 'policy', direction: 'inbound' }, value: 1 },
    ]);
    // Every frame went through the rate limiter; the one it refused reached no other gate.
    expect(h.manager.metrics.read('ws_quality_passes_total')?.samples).toEqual([
      { labels: { gate: 'rate_limit', direction: 'inbound' }, value: 4 },
      { labels: { gate: 'schema', direction: 'inbound' }, value: 3 },
      { labels: { gate: 'policy', direction: 'inbound' }, value: 1 },
    ]);
    const histogram = h.manager.metrics.read('ws_quality_validation_seconds');
    expect(histogram?.kind).toBe('histogram');
    const counts = Object.fromEntries(
      (histogram?.samples ?? []).map((x) => [
        String(x.labels['gate']),
        'count' in x ? x.count : -1,
      ]),
    );
    expect(counts).toEqual({ rate_limit: 5, schema: 4, policy: 3 });
    expect(h.q.metrics().inbound).toEqual({
      passed: 1,
      rejected: {
        schema: { invalid_message: 1 },
        policy: { forbidden: 1 },
        rate_limit: { rate_limited: 1 },
      },
      closed: { policy: 1 },
    });
  });

  it('handleMessage returns the verdict and touches nothing on the connection', async () => {
    h = await harness({ inbound: chain() });
    const alice = await h.connect('alice', ['chat:x']);
    const { view } = alice;
    await expect(
      h.q.handleMessage(view, { type: 'publish', thread: 'chat:x', data: { text: 'ok' } }),
    ).resolves.toEqual({
      verdict: 'pass',
      gate: undefined,
    });
    await expect(
      h.q.handleMessage(view, { type: 'publish', thread: 'chat:x', data: { text: 1 }, id: 9 }),
    ).resolves.toEqual({
      verdict: 'reject',
      code: 'invalid_message',
      message: 'invalid data for thread "chat:x": data.text: text must be a string',
      gate: 'schema',
    });
    await expect(
      h.q.handleMessage(view, { type: 'publish', thread: 'chat:x', data: { text: 'bye' } }),
    ).resolves.toEqual({
      verdict: 'close',
      code: 4000,
      reason: 'said bye',
      gate: 'policy',
    });
    await flush();
    expect(alice.frames()).toEqual([]);
    expect(alice.client.closed).toBeUndefined();
    expect(view.isOpen).toBe(true);
    expect(h.q.metrics().inbound.passed).toBe(1);
  });
});

describe('a gate that throws', () => {
  it('sync throw, async rejection, invalid verdict: internal_error, onError, the connection and process go on', async () => {
    h = await harness({
      inbound: [
        customGate(
          ({ frame }) => {
            const kind = frame.type === 'publish' ? (frame.data as string) : '';
            if (kind === 'throw') throw new Error('boom');
            if (kind === 'async') return Promise.reject(new Error('async boom'));
            if (kind === 'bad') return { verdict: 'reject', code: 'nope', message: 'x' } as never;
            return pass();
          },
          { name: 'buggy' },
        ),
      ],
    });
    const alice = await h.connect('alice', ['t']);
    for (const [i, data] of ['throw', 'async', 'bad', 'fine'].entries()) {
      await alice.send({ type: 'publish', thread: 't', data, id: i });
    }
    const failure = { code: 'internal_error', message: 'the server failed to check this frame' };
    expect(alice.frames().filter((f) => f.type !== 'message')).toEqual([
      { type: 'error', id: 0, ...failure },
      { type: 'error', id: 1, ...failure },
      { type: 'error', id: 2, ...failure },
      expect.objectContaining({ type: 'ack', id: 3 }),
    ]);
    expect(h.errors.map((e) => [e.stage, e.error.message])).toEqual([
      ['quality:gate:buggy', 'boom'],
      ['quality:gate:buggy', 'async boom'],
      ['quality:gate:buggy', 'gate "buggy" returned an invalid verdict'],
    ]);
    expect(h.errors.every((e) => e.error.code === 'internal_error')).toBe(true);
    expect(h.manager.metrics.read('ws_quality_rejects_total')?.samples).toEqual([
      { labels: { gate: 'buggy', direction: 'inbound', code: 'internal_error' }, value: 3 },
    ]);
    expect(alice.client.closed).toBeUndefined();
    expect(h.manager.state).toBe('running');
  });

  it('outbound: the message is not sent, counted, and reported', async () => {
    h = await harness({
      outbound: [
        customGate(
          () => {
            throw new TypeError('outbound boom');
          },
          { name: 'buggy_out' },
        ),
      ],
    });
    const bob = await h.connect('bob', ['t']);
    const r = await h.manager.sendToThread(threadId('t'), 'x');
    expect(r).toMatchObject({ delivered: 0, dropped: { filtered: 1 } });
    expect(bob.frames()).toEqual([]);
    expect(h.errors.map((e) => [e.stage, e.error.message])).toEqual([
      ['quality:gate:buggy_out', 'outbound boom'],
    ]);
    expect(h.q.metrics().outbound.rejected).toEqual({ buggy_out: { internal_error: 1 } });
  });
});

describe('outcomes in core', () => {
  it('rejections count as violations: the 10th consecutive one closes with 1008', async () => {
    h = await harness({ inbound: [customGate(() => reject('invalid_message', 'never'))] });
    const alice = await h.connect('alice');
    for (let i = 0; i < 10; i++) await alice.send({ type: 'join', thread: 't', id: i });
    expect(alice.frames()).toHaveLength(10);
    expect(
      alice
        .frames()
        .every((f) => f.type === 'error' && f.code === 'invalid_message' && f.message === 'never'),
    ).toBe(true);
    expect(alice.client.closed).toEqual({ code: 1008, reason: 'too many violations' });
  });

  it('a close verdict without a code closes with 1008 and names the gate', async () => {
    h = await harness({ inbound: [customGate(() => close(), { name: 'bouncer' })] });
    const alice = await h.connect('alice');
    await alice.send({ type: 'join', thread: 't', id: 1 });
    expect(alice.client.closed).toEqual({ code: 1008, reason: 'closed by quality gate "bouncer"' });
    expect(alice.frames()).toEqual([]);
  });

  it('outbound gates see the target and the frame once per send; a refusal is counted as filtered', async () => {
    const seen: GateInput[] = [];
    h = await harness({
      outbound: [
        customGate(
          (input) => {
            seen.push(input);
            return input.direction === 'outbound' && input.target.kind === 'user'
              ? reject('forbidden', 'no direct')
              : pass();
          },
          { name: 'outbound_policy', directions: ['outbound'] },
        ),
      ],
    });
    const alice = await h.connect('alice', ['t']);
    await h.connect('alice', ['t']);
    const toUser = await h.manager.sendToUser(userId('alice'), 'hi');
    const toThread = await h.manager.sendToThread(threadId('t'), 'all');
    expect(toUser).toMatchObject({ delivered: 0, dropped: { filtered: 1 } });
    expect(toThread).toMatchObject({ delivered: 2 });
    expect(seen.map((i) => (i.direction === 'outbound' ? i.target.kind : 'inbound'))).toEqual([
      'user',
      'thread',
    ]);
    expect(alice.frames().map((f) => f.type === 'message' && f.data)).toEqual(['all']);
  });
});

describe('outbound gates and client publishes', () => {
  it('a client publish refused outbound reaches nobody; the sender gets invalid_message from core', async () => {
    h = await harness({
      outbound: [
        customGate(({ frame }) =>
          frame.type === 'message' && frame.data === 'secret' ? reject('forbidden', 'no') : pass(),
        ),
      ],
    });
    const alice = await h.connect('alice', ['t']);
    const bob = await h.connect('bob', ['t']);
    await alice.send({ type: 'publish', thread: 't', data: 'secret', id: 1 });
    await alice.send({ type: 'publish', thread: 't', data: 'public', id: 2 });
    expect(alice.frames()[0]).toEqual({
      type: 'error',
      id: 1,
      code: 'invalid_message',
      message: 'refused by an outbound filter',
    });
    expect(bob.frames().map((f) => f.type === 'message' && f.data)).toEqual(['public']);
    expect(h.manager.metrics.read('ws_messages_dropped_total')?.samples).toContainEqual({
      labels: { cause: 'filtered' },
      value: 1,
    });
  });
});

describe('operators thread', () => {
  it('broadcastQualityUpdate and broadcastQualityAlert reach the operators, past the outbound gates', async () => {
    h = await harness({
      operatorsThread: 'ops:quality',
      outbound: [customGate(() => reject('forbidden', 'nothing goes out'))],
      alerts: false,
    });
    const op = await h.connect('operator', ['ops:quality']);
    const u = await h.q.broadcastQualityUpdate({ note: 'hourly' });
    const a = await h.q.broadcastQualityAlert({
      alert: 'reject_rate',
      state: 'firing',
      at: 1,
      value: 0.5,
      threshold: 0.05,
      windowMs: 30_000,
    });
    const d = await h.q.broadcastQualityUpdate();
    expect([u.delivered, a.delivered, d.delivered]).toEqual([1, 1, 1]);
    const data = op.frames().map((f) => f.type === 'message' && f.data);
    expect(data[0]).toEqual({ kind: 'quality:update', at: h.clock.now(), note: 'hourly' });
    expect(data[1]).toEqual({
      kind: 'quality:alert',
      alert: 'reject_rate',
      state: 'firing',
      at: 1,
      value: 0.5,
      threshold: 0.05,
      windowMs: 30_000,
    });
    expect(data[2]).toMatchObject({
      kind: 'quality:update',
      inbound: { passed: 0 },
      outbound: { passed: 0 },
      activeAlerts: [],
    });
    // Everything else is still gated.
    expect(await h.manager.sendToThread(threadId('ops:quality'), 'x')).toMatchObject({
      delivered: 1,
    });
    expect((await h.manager.broadcast('x')).dropped).toEqual({ filtered: 1 });
  });

  it('without an operators thread the broadcasts resolve to a failed SendResult', async () => {
    h = await harness({ alerts: false });
    const r = await h.q.broadcastQualityUpdate();
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('invalid_options');
  });
});

describe('options', () => {
  it('refuses a gate in a direction it does not support, and a second install', async () => {
    expect(() => quality({ outbound: [rateLimitGate()] })).toThrow(
      'quality: gate "rate_limit" does not run outbound',
    );
    expect(() => quality({ operatorsThread: 'bad thread' })).toThrow('thread id must be');
    h = await harness({});
    expect(() => h?.manager.use(quality())).toThrow('quality is already installed on this manager');
  });
});
