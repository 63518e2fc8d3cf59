/** What the ring needs to keep on each entry: where it sits, and whether it was removed. */
export interface RingEntry {
  /** Index of the entry's bucket; -1 when in none. */
  bucket: number;
  /** Index inside the bucket's array. */
  slot: number;
  /** True once removed (a removal during a visit of its bucket is applied after the visit). */
  gone: boolean;
}

/**
 * A fixed ring of buckets: each entry sits in exactly one bucket and is visited once per turn of
 * the ring. Add and remove are O(1) (swap-remove); a visit touches only its bucket. Removals of
 * entries of the bucket being visited are deferred to the end of the visit, so the visit neither
 * skips nor repeats an entry; entries added during a visit wait for the next turn.
 */
export interface Ring<T extends RingEntry> {
  /** Live entries. */
  readonly size: number;
  add(entry: T, bucket: number): void;
  remove(entry: T): void;
  visit(bucket: number, fn: (entry: T) => void): void;
  /** Entries in one bucket (for tests and stats). */
  bucketSize(bucket: number): number;
  clear(): void;
}

/** Creates a ring of `count` buckets. */
export function createRing<T extends RingEntry>(count: number): Ring<T> {
  const buckets: T[][] = [];
  for (let i = 0; i < count; i++) buckets.push([]);
  const deferred: T[] = [];
  let size = 0;
  let visiting = -1;

  const unlink = (entry: T): void => {
    const arr = buckets[entry.bucket] as T[];
    const last = arr.pop() as T;
    if (last !== entry) {
      arr[entry.slot] = last;
      last.slot = entry.slot;
    }
    entry.bucket = -1;
    entry.slot = -1;
  };

  return {
    get size() {
      return size;
    },
    add(entry, bucket) {
      const arr = buckets[bucket] as T[];
      entry.bucket = bucket;
      entry.slot = arr.length;
      entry.gone = false;
      arr.push(entry);
      size++;
    },
    remove(entry) {
      if (entry.gone || entry.bucket < 0) return;
      entry.gone = true;
      size--;
      if (entry.bucket === visiting) deferred.push(entry);
      else unlink(entry);
    },
    visit(bucket, fn) {
      const arr = buckets[bucket] as T[];
      const n = arr.length;
      visiting = bucket;
      try {
        for (let i = 0; i < n; i++) {
          const entry = arr[i] as T;
          if (!entry.gone) fn(entry);
        }
      } finally {
        visiting = -1;
        if (deferred.length !== 0) {
          for (const entry of deferred) unlink(entry);
          deferred.length = 0;
        }
      }
    },
    bucketSize: (bucket) => buckets[bucket]?.length ?? 0,
    clear() {
      for (const arr of buckets) {
        for (const entry of arr) {
          entry.gone = true;
          entry.bucket = -1;
          entry.slot = -1;
        }
        arr.length = 0;
      }
      size = 0;
    },
  };
}
