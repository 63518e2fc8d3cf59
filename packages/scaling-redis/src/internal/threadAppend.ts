import type { ThreadId } from '@ws/core';
import { threadEnvelopeHead } from './envelope.js';
import type { Keys } from './keys.js';
import { publishThreadScript } from './scripts.js';
import type { Script } from './scripts.js';

type Arg = string | number;

/** What the append needs of a Redis connection (the adapter's link, or the emitter's). */
export interface ScriptRunner {
  readonly publishCommand: 'PUBLISH' | 'SPUBLISH';
  run(script: Script, keys: readonly string[], args: readonly Arg[]): Promise<unknown>;
}

/** The history options both writers of a thread share (`redisCluster`'s and the emitter's). */
export interface ThreadHistoryOptions {
  readonly historyMaxLen: number;
  readonly historyTtlMs: number;
  readonly keepHistory: (threadId: ThreadId) => boolean;
}

const DAY_MS = 86_400_000;

/**
 * How long a thread's stream lives after its last publication, in ms: past the TTL (or a week
 * without an age limit). Its meta (`last`, `trimmed`) lives a day longer, so an old offset is
 * still answered "not recoverable" rather than taken for a fresh thread.
 */
function streamExpireMs(o: ThreadHistoryOptions): number {
  return o.historyTtlMs > 0 ? o.historyTtlMs + 60_000 : 7 * DAY_MS;
}

/** One thread message to append and publish. */
export interface ThreadAppend {
  readonly keys: Keys;
  readonly options: ThreadHistoryOptions;
  /** Who publishes (an instance id, or an emitter's id): receivers skip their own. */
  readonly origin: string;
  readonly threadId: ThreadId;
  /** The frame without its offset, as `encodeFrame` wrote it. */
  readonly frameJson: string;
}

/**
 * Appends a thread message to its bounded stream and publishes its envelope, in one Lua call
 * (`publishThreadScript`): the stream id is the offset, in the frame every instance receives.
 * The one writer of thread messages: instances and the emitter both go through it, so offsets,
 * history and resume are the same for both. Answers the offset and the subscriber count.
 */
export async function appendThread(
  runner: ScriptRunner,
  m: ThreadAppend,
): Promise<{ offset: string; receivers: number }> {
  const { keys, options, threadId } = m;
  const keep = options.keepHistory(threadId) ? options.historyMaxLen : 0;
  const reply = (await runner.run(
    publishThreadScript,
    [keys.threadStream(threadId), keys.threadMeta(threadId)],
    [
      runner.publishCommand,
      keys.threadChannel(threadId),
      threadEnvelopeHead(m.origin),
      m.frameJson,
      keep,
      options.historyTtlMs,
      streamExpireMs(options),
      streamExpireMs(options) + DAY_MS,
    ],
  )) as [string, number];
  return { offset: String(reply[0]), receivers: Number(reply[1]) };
}
