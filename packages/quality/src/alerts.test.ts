import { userId } from '@ws/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualityAlert } from './alerts.js';
import { customGate } from './customGate.js';
import { pass, reject } from './gate.js';
import { createAlertMonitor } from './internal/alertMonitor.js';
import { createSlidingWindow } from './internal/slidingWindow.js';
import type { Harness, TestClient } from './test/harness.js';
import { flush, harness } from './test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const gate = customGate(
  ({ frame }) =>
    frame.type === 'publish' && frame.data === 'bad' ? reject('invalid_message', 'bad') : pass(),
  {
    name: 'policy',
  },
);

/** Sends `good` accepted and `bad` refused frames, interleaved (so no connection reaches 1008). */
async function traffic(c: TestClient, good: number, bad: number): Promise<void> {
  for (let i = 0; i < Math.max(good, bad); i++) {
    if (i < good) c.client.sendFrame({ type: 'publish', thread: 't', data: 'ok' });
    if (i < bad) c.client.sendFrame({ type: 'publish', thread: 't', data: 'bad' });
  }
  await flush();
}

async function withEvents(options: Parameters<typeof harness>[0]) {
  const hh = await harness(options, { inboundRate: { perSecond: 10_000, burst: 10_000 } });
  const events: QualityAlert[] = [];
  hh.manager.on('quality:alert', (a: QualityAlert) => events.push(a));
  hh.manager.on('quality:recovery', (a: QualityAlert) => events.push(a));
  return { hh, events };
}

describe('alerts', () => {
  it('reject rate: one alert per breach, none while it lasts, one recovery when it clears', async () => {
    const { hh, events } = await withEvents({
      inbound: [gate],
      operatorsThread: 'ops:quality',
      alerts: {
        evaluateEveryMs: 1000,
        rejectRate: { threshold: 0.05, windowMs: 30_000, minFrames: 20 },
        userRejects: false,
      },
    });
    h = hh;
    const op = await hh.connect('operator', ['ops:quality']);
    const users = [await hh.connect('u1', ['t']), await hh.connect('u2', ['t'])];
    const start = hh.clock.now();

    for (const u of users) await traffic(u, 45, 5); // 10 of 100: 10 %
    hh.clock.advance(1000);
    await flush();
    expect(events).toEqual([
      {
        alert: 'reject_rate',
        state: 'firing',
        at: start + 1000,
        value: 0.1,
        threshold: 0.05,
        windowMs: 30_000,
      },
    ]);
    // Still breaching for 20 s more: no storm.
    for (let s = 0; s < 20; s++) {
      for (const u of users) await traffic(u, 4, 1);
      hh.clock.advance(1000);
    }
    await flush();
    expect(events).toHaveLength(1);
    expect(hh.q.metrics().activeAlerts).toEqual([events[0]]);
    expect(hh.manager.metrics.read('ws_quality_alerts_active')?.samples).toEqual([
      { labels: {}, value: 1 },
    ]);

    // Good traffic only: the rate falls; 4 % is under the threshold but above clearBelow (2.5 %).
    for (const u of users) await traffic(u, 500, 0);
    hh.clock.advance(1000);
    expect(hh.q.metrics().rejectRate?.rate).toBeGreaterThan(0.025);
    expect(hh.q.metrics().rejectRate?.rate).toBeLessThan(0.05);
    expect(events).toHaveLength(1);
    // The refused frames slide out of the window: recovery, once.
    hh.clock.advance(30_000);
    await flush();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      alert: 'reject_rate',
      state: 'resolved',
      threshold: 0.05,
      windowMs: 30_000,
    });
    hh.clock.advance(60_000);
    expect(events).toHaveLength(2);

    // A new breach is a new alert.
    for (const u of users) await traffic(u, 10, 10);
    hh.clock.advance(1000);
    await flush();
    expect(events.map((e) => e.state)).toEqual(['firing', 'resolved', 'firing']);
    expect(hh.manager.metrics.read('ws_quality_alerts_total')?.samples).toEqual([
      { labels: { alert: 'reject_rate' }, value: 2 },
    ]);
    // Every alert and recovery also went to the operators' thread.
    expect(
      op
        .frames()
        .map((f) => f.type === 'message' && (f.data as { kind: string; state: string }).state),
    ).toEqual(['firing', 'resolved', 'firing']);
    expect(op.frames()[0]).toMatchObject({
      type: 'message',
      thread: 'ops:quality',
      from: null,
      data: { kind: 'quality:alert', ...events[0] },
    });
  });

  it('no alert below minFrames, whatever the rate', async () => {
    const { hh, events } = await withEvents({
      inbound: [gate],
      alerts: { rejectRate: { minFrames: 20 }, userRejects: false },
    });
    h = hh;
    const u = await hh.connect('u1', ['t']);
    await traffic(u, 5, 5);
    hh.clock.advance(5000);
    expect(events).toEqual([]);
    expect(hh.q.metrics().rejectRate).toEqual({ rate: 0.5, frames: 10, windowMs: 30_000 });
  });

  it('one user above N rejects a minute: one alert for that user, recovery when it clears', async () => {
    const { hh, events } = await withEvents({
      inbound: [gate],
      alerts: { rejectRate: false, userRejects: { perMinute: 5 } },
    });
    h = hh;
    const mallory = await hh.connect('mallory', ['t']);
    const bob = await hh.connect('bob', ['t']);
    const start = hh.clock.now();
    await traffic(mallory, 6, 6);
    await traffic(bob, 5, 5);
    hh.clock.advance(1000);
    expect(events).toEqual([
      {
        alert: 'user_rejects',
        state: 'firing',
        at: start + 1000,
        value: 6,
        threshold: 5,
        windowMs: 60_000,
        userId: 'mallory',
      },
    ]);
    for (let s = 0; s < 10; s++) {
      await traffic(mallory, 3, 3);
      hh.clock.advance(1000);
    }
    expect(events).toHaveLength(1);
    hh.clock.advance(70_000);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      alert: 'user_rejects',
      state: 'resolved',
      value: 0,
      userId: 'mallory',
    });
    hh.clock.advance(120_000);
    expect(events).toHaveLength(2);
    expect(hh.manager.metrics.read('ws_quality_alerts_total')?.samples).toEqual([
      { labels: { alert: 'user_rejects' }, value: 1 },
    ]);
  });

  it('the alert timer is cleared when the manager closes', async () => {
    const hh = await harness({ inbound: [gate] });
    const before = hh.clock.pending();
    await hh.close();
    expect(hh.clock.pending()).toBeLessThan(before);
    expect(hh.clock.pending()).toBe(0);
  });
});

describe('alert monitor memory', () => {
  it('raises at most maxActive per-user alerts at once', () => {
    const fired: QualityAlert[] = [];
    const m = createAlertMonitor(
      { rejectRate: false, userRejects: { perMinute: 1, maxActive: 2 } },
      (a) => fired.push(a),
    );
    for (let i = 0; i < 10; i++) for (let r = 0; r < 3; r++) m.record(userId(`bot${i}`), true, 0);
    m.evaluate(1000);
    m.evaluate(2000);
    expect(fired.map((a) => a.userId)).toEqual(['bot0', 'bot1']);
    expect(m.active()).toHaveLength(2);
    // Once they resolve, others still breaching may take their places.
    m.evaluate(61_000);
    expect(fired.map((a) => `${a.userId}:${a.state}`)).toEqual([
      'bot0:firing',
      'bot1:firing',
      'bot0:resolved',
      'bot1:resolved',
    ]);
  });

  it('tracks at most maxUsers users; alerting users are never the ones forgotten', () => {
    const fired: QualityAlert[] = [];
    const m = createAlertMonitor(
      { rejectRate: false, userRejects: { perMinute: 2, maxUsers: 3 } },
      (a) => fired.push(a),
    );
    for (let i = 0; i < 50; i++) m.record(userId(`u${i}`), true, 0);
    expect(m.trackedUsers()).toBe(3);
    for (let r = 0; r < 3; r++) for (const u of ['a', 'b', 'c']) m.record(userId(u), true, 1);
    m.evaluate(1000);
    expect(fired.map((a) => a.userId)).toEqual(['a', 'b', 'c']);
    // All three tracked users alert: a newcomer is not tracked rather than evicting one of them.
    for (let r = 0; r < 5; r++) m.record(userId('d'), true, 1500);
    m.evaluate(2000);
    expect(m.trackedUsers()).toBe(3);
    expect(fired).toHaveLength(3);
    m.evaluate(70_000);
    expect(fired.map((a) => `${a.userId}:${a.state}`)).toEqual([
      'a:firing',
      'b:firing',
      'c:firing',
      'a:resolved',
      'b:resolved',
      'c:resolved',
    ]);
    expect(m.trackedUsers()).toBe(0);
  });
});

describe('sliding window', () => {
  it('sums over the window and forgets slot by slot', () => {
    const w = createSlidingWindow(3000, 1000, 2);
    w.add(0, 1, 0);
    w.add(1500, 2, 1);
    w.add(2999, 3, 1);
    expect(w.sums(2999)).toEqual([6, 2]);
    expect(w.sums(3000)).toEqual([5, 2]);
    expect(w.sums(4000)).toEqual([3, 1]);
    expect(w.isEmpty(4000)).toBe(false);
    expect(w.sums(5000)).toEqual([0, 0]);
    expect(w.isEmpty(5000)).toBe(true);
    w.add(9000, 7, 7); // reuses a slot of an old period
    expect(w.sums(9000)).toEqual([7, 7]);
  });

  it('caps the slot count at 600 by widening slots', () => {
    const w = createSlidingWindow(3_600_000, 1);
    w.add(0, 1);
    expect(w.sums(3_599_999)).toEqual([1]);
    expect(w.sums(3_600_000 + 6000)).toEqual([0]);
  });
});
