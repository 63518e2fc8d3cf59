import { describe, expect, it } from 'vitest';
import type { RingEntry } from './ring.js';
import { createRing } from './ring.js';

interface E extends RingEntry {
  readonly name: string;
}
const entry = (name: string): E => ({ name, bucket: -1, slot: -1, gone: false });

describe('ring of buckets', () => {
  it('adds, visits one bucket, swap-removes', () => {
    const ring = createRing<E>(3);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(entry) as [E, E, E, E];
    ring.add(a, 0);
    ring.add(b, 0);
    ring.add(c, 0);
    ring.add(d, 2);
    expect(ring.size).toBe(4);
    const seen: string[] = [];
    ring.visit(0, (e) => seen.push(e.name));
    expect(seen).toEqual(['a', 'b', 'c']);
    ring.remove(a);
    ring.remove(a);
    expect(ring.size).toBe(3);
    expect(ring.bucketSize(0)).toBe(2);
    seen.length = 0;
    ring.visit(0, (e) => seen.push(e.name));
    expect(seen).toEqual(['c', 'b']);
    expect([c.slot, b.slot, a.bucket]).toEqual([0, 1, -1]);
  });

  it('defers removals in the bucket being visited: nothing skipped, nothing repeated', () => {
    const ring = createRing<E>(2);
    const es = ['a', 'b', 'c', 'd', 'e'].map(entry);
    for (const e of es) ring.add(e, 1);
    const seen: string[] = [];
    ring.visit(1, (e) => {
      seen.push(e.name);
      // Removing itself and an unvisited one (as a disconnect listener might).
      if (e.name === 'b') {
        ring.remove(e);
        ring.remove(es[3] as E);
      }
      if (e.name === 'c') ring.add(entry('late'), 1);
    });
    expect(seen).toEqual(['a', 'b', 'c', 'e']);
    expect(ring.size).toBe(4);
    expect(ring.bucketSize(1)).toBe(4);
    seen.length = 0;
    ring.visit(1, (e) => seen.push(e.name));
    expect(seen.sort()).toEqual(['a', 'c', 'e', 'late']);
  });

  it('clear empties every bucket', () => {
    const ring = createRing<E>(2);
    const a = entry('a');
    ring.add(a, 0);
    ring.add(entry('b'), 1);
    ring.clear();
    expect([ring.size, ring.bucketSize(0), ring.bucketSize(1), a.gone]).toEqual([0, 0, 0, true]);
  });
});
