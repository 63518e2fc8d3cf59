import type { ThreadId } from '@ws/core';
import { describe, expect, it } from 'vitest';
import { createOwnOrder } from './ownOrder.js';

const t = 't' as ThreadId;

describe('ownOrder', () => {
  it('delivers foreign messages at once, before an own one came back, and after it once core wrote it', async () => {
    const order = createOwnOrder();
    const written: string[] = [];
    const entry = order.begin(t);
    let answer!: () => void;
    const outer = new Promise<void>((resolve) => (answer = resolve));
    order.attach(t, entry, outer);
    // Core's handler, registered after attach (as core does with the returned promise).
    const core = outer.then(() => written.push('own-2'));
    order.deliver(t, () => written.push('foreign-1'));
    order.ownArrived(t, '2-0');
    order.deliver(t, () => written.push('foreign-3'));
    order.deliver(t, () => written.push('foreign-4'));
    expect(written).toEqual(['foreign-1']);
    answer();
    await core;
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual(['foreign-1', 'own-2', 'foreign-3', 'foreign-4']);
    // Nothing pending any more: at once.
    order.deliver(t, () => written.push('foreign-5'));
    expect(written.at(-1)).toBe('foreign-5');
  });

  it('a failed own publish releases what waited for it', async () => {
    const order = createOwnOrder();
    const written: string[] = [];
    const entry = order.begin(t);
    const outer = Promise.reject(new Error('redis down'));
    order.attach(t, entry, outer);
    outer.catch(() => {});
    order.ownArrived(t, '9-0');
    order.deliver(t, () => written.push('foreign'));
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual(['foreign']);
  });
});
