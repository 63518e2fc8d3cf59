import type { HistoryMessage, HistoryOptions, HistoryPage } from '../api.js';
import type { HistoryResult } from '../cluster.js';
import { WsError, toWsError } from '../errors.js';
import type { Offset, ThreadId, UserId } from '../ids.js';
import { isThreadId } from '../ids.js';
import { compareOffsets, isOffset } from '../offsets.js';
import { historyDefaults } from '../options.js';
import type { ManagerState } from './state.js';

/**
 * The first offset of every order. Server code has no join point, so it is the `notBefore` of
 * every read; as `afterOffset` it asks for the oldest kept frame (an adapter answers a start
 * before its window or epoch with the oldest kept frames).
 */
const ORIGIN = '0-0' as Offset;

/** The `result` label of `ws_history_reads_total`: a bounded set. */
type ReadOutcome = 'recovered' | 'not_recovered' | 'invalid' | 'unavailable' | 'failed';

/** A checked `history` call. */
interface Query {
  readonly threadId: ThreadId;
  readonly after: Offset | undefined;
  readonly limit: number;
}

/** What `manager.history` was given, unchecked. */
export interface HistoryRequest {
  readonly threadId: ThreadId;
  readonly options: HistoryOptions | undefined;
}

/** Checks the arguments as core checks them elsewhere; throws `WsError`. */
function checkQuery(request: HistoryRequest): Query {
  const { threadId, options } = request;
  if (!isThreadId(threadId)) {
    throw new WsError('bad_request', 'thread id must be 1-128 characters of A-Za-z0-9 : _ - . @');
  }
  if (options === undefined) return { threadId, after: undefined, limit: historyDefaults.limit };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new WsError('invalid_options', 'history options must be an object');
  }
  const { after, limit = historyDefaults.limit } = options;
  if (after !== undefined && !isOffset(after)) {
    throw new WsError('bad_request', 'after must be an offset (<digits> or <digits>-<digits>)');
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > historyDefaults.maxLimit) {
    throw new WsError(
      'invalid_options',
      `limit must be an integer from 1 to ${historyDefaults.maxLimit}`,
    );
  }
  return { threadId, after, limit };
}

/**
 * Turns the adapter's answer into a page: this thread's frames in strictly increasing offset
 * order (after `after` when the answer continues it), at most `limit`, and `next` when one more
 * followed. Undefined when the adapter gave no frames for a start outside its window.
 */
function toPage(query: Query, answer: HistoryResult): HistoryPage | undefined {
  if (answer.frames === undefined) return undefined;
  const recovered = query.after === undefined || answer.recoverable;
  let last: string | undefined = answer.recoverable ? query.after : undefined;
  const messages: HistoryMessage[] = [];
  for (const f of answer.frames) {
    if (messages.length > query.limit) break;
    if (f.thread !== query.threadId || f.offset === undefined) continue;
    if (last !== undefined && compareOffsets(f.offset, last) <= 0) continue;
    last = f.offset;
    messages.push({ offset: f.offset as Offset, from: f.from as UserId | null, data: f.data });
  }
  if (messages.length <= query.limit) return { messages, next: null, recovered };
  messages.length = query.limit;
  return { messages, next: (messages[query.limit - 1] as HistoryMessage).offset, recovered };
}

/**
 * `manager.history`: one page of a thread's kept messages, read through the cluster adapter
 * (one frame more than the page, to learn whether more follow). Rejects with `bad_request`,
 * `invalid_options`, `closed`, `unavailable` (an adapter that cannot page from outside its
 * window) or the adapter's error (`cluster_error` for an unknown throw); counts every call.
 */
export async function readHistory(
  state: ManagerState,
  request: HistoryRequest,
  started: Promise<void>,
): Promise<HistoryPage> {
  const count = (result: ReadOutcome): void => state.m.historyReads.inc(1, { result });
  let query: Query;
  try {
    query = checkQuery(request);
  } catch (err) {
    count('invalid');
    throw err;
  }
  await started;
  if (state.lifecycle === 'closed') {
    count('failed');
    throw new WsError('closed', 'the manager is closed');
  }
  let answer: HistoryResult;
  try {
    const read = { limit: query.limit + 1 };
    answer = await state.cluster.history(query.threadId, query.after ?? ORIGIN, ORIGIN, read);
  } catch (err) {
    count('failed');
    throw toWsError(err, 'cluster_error');
  }
  const page = toPage(query, answer);
  if (page === undefined) {
    count('unavailable');
    throw new WsError(
      'unavailable',
      `cluster adapter "${state.cluster.name}" cannot page history from outside its kept window`,
    );
  }
  count(page.recovered ? 'recovered' : 'not_recovered');
  return page;
}
