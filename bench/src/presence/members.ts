/**
 * The load side: one `ws` client per member (`wsm.v1.json`, its own user id as the token), each
 * with at most one request (`join` / `leave`) in flight, answered by its `ack`. Every
 * `presence_diff` a client reads is counted, with its bytes and form, in a shared tally.
 */
import { WebSocket } from 'ws';
import { memberId } from './plan.js';

/** What the clients read besides acks: diffs (frames, bytes, forms), errors, closes. */
export interface Tally {
  diffFrames: number;
  diffBytes: number;
  listDiffs: number;
  countDiffs: number;
  resetDiffs: number;
  /** `count` of the last counts-only diff, or the list length of the last reset. */
  lastCount: number;
  errors: number;
  unexpectedCloses: number;
}

export function createTally(): Tally {
  return {
    diffFrames: 0,
    diffBytes: 0,
    listDiffs: 0,
    countDiffs: 0,
    resetDiffs: 0,
    lastCount: -1,
    errors: 0,
    unexpectedCloses: 0,
  };
}

export interface Member {
  readonly index: number;
  /** Sends a request frame; `done(ok)` on its ack (true) or error (false). */
  request(frame: string, done: (ok: boolean) => void): void;
  close(): void;
}

interface DiffFrame {
  readonly joins: unknown;
  readonly count?: number;
  readonly reset?: boolean;
}

function countDiff(tally: Tally, text: string): void {
  tally.diffFrames += 1;
  tally.diffBytes += Buffer.byteLength(text);
  const d = JSON.parse(text) as DiffFrame;
  if (d.reset === true) {
    tally.resetDiffs += 1;
    tally.lastCount = Array.isArray(d.joins) ? d.joins.length : -1;
  } else if (typeof d.joins === 'number') {
    tally.countDiffs += 1;
    tally.lastCount = d.count ?? -1;
  } else tally.listDiffs += 1;
}

/**
 * Connects member `index` (user `memberId(index)`): resolves on its welcome, rejects on an error,
 * a close before it or after `timeoutMs`.
 */
export function connectMember(
  port: number,
  index: number,
  tally: Tally,
  timeoutMs: number,
): Promise<Member> {
  return new Promise((resolve, reject) => {
    const token = encodeURIComponent(memberId(index));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, 'wsm.v1.json', {
      perMessageDeflate: false,
    });
    let settled = false;
    let closing = false;
    let waiter: ((ok: boolean) => void) | undefined;
    const timer = setTimeout(() => fail(new Error(`member ${index}: no welcome`)), timeoutMs);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const answer = (ok: boolean): void => {
      const w = waiter;
      waiter = undefined;
      w?.(ok);
    };
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text.startsWith('{"type":"ack"')) answer(true);
      else if (text.startsWith('{"type":"presence_diff"')) countDiff(tally, text);
      else if (text.startsWith('{"type":"welcome"')) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          index,
          request(frame, done) {
            waiter = done;
            ws.send(frame);
          },
          close() {
            closing = true;
            ws.terminate();
          },
        });
      } else if (text.startsWith('{"type":"error"')) {
        tally.errors += 1;
        answer(false);
      }
    });
    ws.on('error', (err) => fail(err));
    ws.on('close', () => {
      if (!settled) fail(new Error(`member ${index}: closed before welcome`));
      else if (!closing) tally.unexpectedCloses += 1;
    });
  });
}

/** Connects `count` members, `concurrency` handshakes at a time; closes them all on a failure. */
export async function connectMembers(
  port: number,
  count: number,
  tally: Tally,
  concurrency = 200,
  timeoutMs = 60_000,
): Promise<Member[]> {
  const members: Member[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      members[i] = await connectMember(port, i, tally, timeoutMs);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (err) {
    for (const m of members) m?.close();
    throw err;
  }
  return members;
}
