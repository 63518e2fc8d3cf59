import { describe, expect, it } from 'vitest';
import { WsError } from './errors.js';
import { connectionId } from './ids.js';
import { localCluster } from './localCluster.js';
import { createMemorySocketPair } from './testing/index.js';
import { createMemoryCluster } from './testing/index.js';
import { flush, testManager } from './internal/testSupport.js';
import { sameCredential } from './internal/receive.js';
import { userId } from './ids.js';

type TestManager = ReturnType<typeof testManager>;

const CRED = 'digest-of-the-secret-0123456789abcdef';
const join = (thread: string, id: string): string => JSON.stringify({ type: 'join', thread, id });
const publish = (thread: string, data: unknown, id: string): string =>
  JSON.stringify({ type: 'publish', thread, data, id });

function receivesCounter(m: TestManager) {
  return m.metrics.counter('ws_receive_total', { help: '', labelNames: ['where', 'outcome'] });
}

describe('manager.receive on the instance that holds the connection', () => {
  it('hands the frames to the inbound path in order, as a socket would', async () => {
    const m = testManager();
    const c = await m.connect('alice', { credential: CRED });
    const r = await m.receive(c.id, {
      credential: CRED,
      seq: 1,
      frames: [join('room', 'j1'), publish('room', { n: 1 }, 'p1'), '{"type":"ping"}'],
    });
    expect(r).toEqual({ outcome: 'ok', expectedSeq: 2 });
    await flush();
    const frames = c.after();
    // A ping is answered at once, ahead of the requests still running (as on a socket).
    expect(frames.map((f) => ('id' in f ? `${f.type}:${String(f.id)}` : f.type))).toEqual([
      'pong',
      'ack:j1',
      'message',
      'ack:p1',
    ]);
    expect(frames[2]).toMatchObject({ type: 'message', thread: 'room', from: 'alice' });
    expect(receivesCounter(m).get({ where: 'local', outcome: 'ok' })).toBe(1);
    await m.close();
  });

  it('a retried batch is acknowledged and not delivered again; a gap is refused', async () => {
    const m = testManager();
    const c = await m.connect('alice', { credential: CRED });
    await m.receive(c.id, { credential: CRED, seq: 1, frames: [join('room', 'j1')] });
    const first = { credential: CRED, seq: 2, frames: [publish('room', 'once', 'p1')] };
    expect(await m.receive(c.id, first)).toEqual({ outcome: 'ok', expectedSeq: 3 });
    expect(await m.receive(c.id, first)).toEqual({ outcome: 'duplicate', expectedSeq: 3 });
    expect(
      await m.receive(c.id, { credential: CRED, seq: 5, frames: [publish('room', 'x', 'p5')] }),
    ).toEqual({ outcome: 'gap', expectedSeq: 3 });
    await flush();
    const messages = c.after().filter((f) => f.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ data: 'once' });
    expect(receivesCounter(m).get({ where: 'local', outcome: 'duplicate' })).toBe(1);
    expect(receivesCounter(m).get({ where: 'local', outcome: 'gap' })).toBe(1);
    await m.close();
  });

  it('a wrong credential, or a connection registered without one: unauthorized, nothing delivered', async () => {
    const m = testManager();
    const c = await m.connect('alice', { credential: CRED });
    const plain = await m.connect('bob');
    const frames = [join('room', 'j1')];
    expect(await m.receive(c.id, { credential: `${CRED}x`, seq: 1, frames })).toEqual({
      outcome: 'unauthorized',
    });
    expect(await m.receive(c.id, { credential: CRED.slice(0, -1), seq: 1, frames })).toEqual({
      outcome: 'unauthorized',
    });
    expect(await m.receive(plain.id, { credential: '', seq: 1, frames })).toEqual({
      outcome: 'unauthorized',
    });
    await flush();
    expect(c.after()).toEqual([]);
    expect(plain.after()).toEqual([]);
    // The refused attempt did not use up seq 1.
    expect(await m.receive(c.id, { credential: CRED, seq: 1, frames })).toEqual({
      outcome: 'ok',
      expectedSeq: 2,
    });
    await m.close();
  });

  it('an unknown or closed connection: unknown', async () => {
    const m = testManager({ instanceId: 'solo' });
    const c = await m.connect('alice', { credential: CRED });
    c.client.close();
    await flush();
    const req = { credential: CRED, seq: 1, frames: [join('room', 'j1')] };
    expect(await m.receive(c.id, req)).toEqual({ outcome: 'unknown' });
    expect(await m.receive(connectionId('solo-zz'), req)).toEqual({ outcome: 'unknown' });
    expect(await m.receive(connectionId('no-dash'), req)).toEqual({ outcome: 'unknown' });
    // Another instance's id on a one-instance (local) cluster: no such instance.
    expect(await m.receive(connectionId('elsewhere-1'), req)).toEqual({ outcome: 'unknown' });
    await m.close();
  });

  it('bad frames inside a batch get error frames; a frame over the size limit closes with 1009 and ends the batch', async () => {
    const m = testManager({ maxMessageBytes: 200 });
    const c = await m.connect('alice', { credential: CRED });
    const r = await m.receive(c.id, {
      credential: CRED,
      seq: 1,
      frames: ['5', '{"type":"nope","id":"n1"}', 'x'.repeat(300), join('room', 'late')],
    });
    expect(r.outcome).toBe('ok');
    await flush();
    const after = c.after();
    expect(after.map((f) => (f.type === 'error' ? f.code : f.type))).toEqual([
      'bad_request',
      'unknown_type',
    ]);
    expect(c.client.closed?.code).toBe(1009);
    expect(m.getStats().connections).toBe(0);
    await m.close();
  });

  it('rejects a malformed request with bad_request', async () => {
    const m = testManager();
    const c = await m.connect('alice', { credential: CRED });
    const bad = [
      { credential: CRED, seq: 0, frames: [] },
      { credential: CRED, seq: 1.5, frames: [] },
      { credential: 7, seq: 1, frames: [] },
      { credential: CRED, seq: 1, frames: 'x' },
      { credential: CRED, seq: 1, frames: [{}] },
      null,
    ];
    for (const request of bad) {
      const err = await m.receive(c.id, request as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WsError);
      expect((err as WsError).code).toBe('bad_request');
    }
    await m.close();
  });

  it('connectUser refuses a credential that is not a string of 1-256 characters (invalid_options, 1011)', async () => {
    const m = testManager();
    for (const credential of ['', 'x'.repeat(257), 42]) {
      const pair = createMemorySocketPair();
      const err = await m
        .connectUser(userId('alice'), pair.server, { credential: credential as string })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect((err as WsError).code).toBe('invalid_options');
      expect(pair.client.closed?.code).toBe(1011);
    }
    expect(m.getStats().connections).toBe(0);
    await m.close();
  });
});

describe('manager.receive for a connection of another instance', () => {
  it('is forwarded to the owner, which checks and delivers; the answer comes back', async () => {
    const hub = createMemoryCluster();
    const a = testManager({ instanceId: 'inst-a', cluster: hub.adapter() });
    const b = testManager({ instanceId: 'inst-b', cluster: hub.adapter() });
    const onA = await a.connect('alice', { credential: CRED });
    const frames = [join('room', 'j1'), publish('room', 'via b', 'p1')];
    expect(await b.receive(onA.id, { credential: CRED, seq: 1, frames })).toEqual({
      outcome: 'ok',
      expectedSeq: 2,
    });
    // The retry lands on a third path (the owner itself): still one delivery.
    expect(await a.receive(onA.id, { credential: CRED, seq: 1, frames })).toEqual({
      outcome: 'duplicate',
      expectedSeq: 2,
    });
    expect(await b.receive(onA.id, { credential: 'wrong', seq: 2, frames })).toEqual({
      outcome: 'unauthorized',
    });
    await flush();
    expect(onA.after().filter((f) => f.type === 'message')).toHaveLength(1);
    expect(receivesCounter(b).get({ where: 'remote', outcome: 'ok' })).toBe(1);
    expect(receivesCounter(b).get({ where: 'remote', outcome: 'unauthorized' })).toBe(1);
    onA.client.close();
    await flush();
    expect(await b.receive(onA.id, { credential: CRED, seq: 2, frames })).toEqual({
      outcome: 'unknown',
    });
    expect(
      await b.receive(connectionId('inst-gone-1'), { credential: CRED, seq: 1, frames }),
    ).toEqual({
      outcome: 'unknown',
    });
    await Promise.all([a.close(), b.close()]);
  });

  it('with an adapter that lacks receive: no_answer (the transport answers 503)', async () => {
    const { receive: _absent, ...older } = localCluster();
    const m = testManager({ instanceId: 'solo', cluster: older });
    const r = await m.receive(connectionId('elsewhere-1'), {
      credential: CRED,
      seq: 1,
      frames: [],
    });
    expect(r).toEqual({ outcome: 'no_answer' });
    expect(receivesCounter(m).get({ where: 'remote', outcome: 'no_answer' })).toBe(1);
    await m.close();
  });
});

describe('sameCredential', () => {
  it('is equality on strings of any length', () => {
    expect(sameCredential('abc', 'abc')).toBe(true);
    expect(sameCredential('abc', 'abd')).toBe(false);
    expect(sameCredential('abc', 'ab')).toBe(false);
    expect(sameCredential('', '')).toBe(true);
    expect(sameCredential('a', '')).toBe(false);
  });
});
