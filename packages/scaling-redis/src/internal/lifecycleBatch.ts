import type { Link } from './link.js';

/** One lifecycle event waiting to be written. */
export interface Pending {
  readonly seq: number;
  readonly fields: readonly string[];
  /** The write to the instance's connection list that goes with the event (`HSET`/`HDEL`). */
  readonly list?: readonly string[];
}

/** Where a batch goes: the stream's key and its `MAXLEN` arguments. */
export interface BatchTarget {
  readonly link: Link;
  readonly key: string;
  readonly trim: readonly string[];
}

/** How many of a batch's events, from the first, are in the stream; the first failure, if any. */
export interface BatchOutcome {
  readonly written: number;
  readonly error?: unknown;
}

function leading(results: readonly PromiseSettledResult<unknown>[]): BatchOutcome {
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed < 0) return { written: results.length };
  return { written: failed, error: (results[failed] as PromiseRejectedResult).reason };
}

/**
 * One Redis: every event's commands are sent in the same turn on the one connection, a connect's
 * `HSET` before its `XADD`, a disconnect's `HDEL` after it; Redis runs them in that order, so a
 * crash between them never leaves a connect unanswered. One round trip per batch.
 */
async function onOneConnection(t: BatchTarget, batch: readonly Pending[]): Promise<BatchOutcome> {
  const write = (p: Pending): Promise<unknown> => {
    const [cmd, ...args] = p.list ?? [];
    const xadd = t.link.call('XADD', t.key, ...t.trim, '*', ...p.fields);
    if (cmd === undefined) return xadd;
    const list = t.link.call(cmd, ...args);
    return Promise.all(cmd === 'HSET' ? [list, xadd] : [xadd, list]);
  };
  return leading(await Promise.allSettled(batch.map(write)));
}

/**
 * Redis Cluster: the connection list (the instance's slot) and the stream live on different
 * nodes, so the order is kept by waiting: every `HSET` of the batch, then the `XADD`s (in order,
 * on the stream's node), then the `HDEL`s of the events that reached the stream. Three round
 * trips per batch (not per event). A failed `HDEL` leaves a listed connection whose disconnect is
 * written: the purge of a dead instance answers it again with the same id (a duplicate, never a
 * connect without a disconnect).
 */
async function inSteps(t: BatchTarget, batch: readonly Pending[]): Promise<BatchOutcome> {
  const listed = batch.filter((p) => p.list?.[0] === 'HSET');
  try {
    await Promise.all(listed.map((p) => t.link.call(...(p.list as [string, ...string[]]))));
  } catch (error) {
    return { written: 0, error };
  }
  const added = leading(
    await Promise.allSettled(
      batch.map((p) => t.link.call('XADD', t.key, ...t.trim, '*', ...p.fields)),
    ),
  );
  const unlisted = batch.slice(0, added.written).filter((p) => p.list?.[0] === 'HDEL');
  try {
    await Promise.all(unlisted.map((p) => t.link.call(...(p.list as [string, ...string[]]))));
  } catch (error) {
    return { written: added.written, error: added.error ?? error };
  }
  return added;
}

/** Writes one batch of lifecycle events (see `onOneConnection` and `inSteps`). Never throws. */
export function writeBatch(t: BatchTarget, batch: readonly Pending[]): Promise<BatchOutcome> {
  return t.link.sharded ? inSteps(t, batch) : onOneConnection(t, batch);
}
