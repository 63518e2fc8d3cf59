/** Counts per key (client IP), forgetting keys that drop to zero so the map stays bounded. */
export interface KeyCounter {
  get(key: string): number;
  inc(key: string): void;
  dec(key: string): void;
  total(): number;
}

/** Creates a {@link KeyCounter}. */
export function createKeyCounter(): KeyCounter {
  const counts = new Map<string, number>();
  let total = 0;
  return {
    get: (key) => counts.get(key) ?? 0,
    inc(key) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
    },
    dec(key) {
      const n = counts.get(key);
      if (n === undefined) return;
      total--;
      if (n <= 1) counts.delete(key);
      else counts.set(key, n - 1);
    },
    total: () => total,
  };
}
