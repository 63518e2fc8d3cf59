import { redisClient } from './redisClient.js';

/** One lifecycle event as a consumer reads it: the stream's fields. */
export type LifecycleEntry = Readonly<Record<string, string>>;

/**
 * Reads a whole lifecycle stream (XRANGE), oldest first: from the Redis at `port`, or from the
 * Redis Cluster of the nodes at `port` (an array).
 */
export async function readLifecycle(
  port: number | readonly number[],
  key: string,
): Promise<LifecycleEntry[]> {
  const r = redisClient(port);
  try {
    const rows = (await r.xrange(key, '-', '+')) as [string, string[]][];
    return rows.map(([, fields]) => {
      const e: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2)
        e[fields[i] as string] = fields[i + 1] as string;
      return e;
    });
  } finally {
    r.disconnect();
  }
}

/** De-duplicates by the event's own `id` field (a retried write may appear twice). */
export function dedupe(entries: readonly LifecycleEntry[]): LifecycleEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const id = e['id'] ?? '';
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
