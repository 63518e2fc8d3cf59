/**
 * The attacker of the fuzz property: one connection that sends a scenario's frames, then a sync
 * request, and records every frame the server sent back and the close code it saw.
 */
import { decode, encode } from '@msgpack/msgpack';
import { Buffer } from 'node:buffer';
import { WebSocket } from 'ws';
import type { FuzzFrame, FuzzViolation } from './fuzzInputs.js';
import { buildFrame, rawWsClient } from './rawWsClient.js';

/** What one attacker connection saw. */
export interface AttackerResult {
  /** Server frames, decoded with the connection's codec. */
  readonly frames: unknown[];
  /** Server frames that could not be decoded (or came with the wrong frame kind). */
  readonly undecodable: number;
  /** The close code the client saw. */
  readonly closeCode: number;
}

/** The id of the request that marks the end of a scenario (answers come in request order). */
export const SYNC_ID = 'fuzz-sync';
const SYNC_FRAME = { type: 'leave', thread: 'fuzz-sync', id: SYNC_ID } as const;
const STEP_MS = 10_000;

/** The answer to the sync request: its `ack`, or its `error` (e.g. `rate_limited` after a flood). */
const isSyncAnswer = (f: unknown): boolean =>
  typeof f === 'object' &&
  f !== null &&
  ['ack', 'error'].includes((f as { type?: unknown }).type as string) &&
  (f as { id?: unknown }).id === SYNC_ID;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_MS} ms`)), STEP_MS);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Connects a `ws` client on `via`, sends `frames` then the sync request, waits for its answer or
 * a close, closes with 1000 if still open, and returns what it saw.
 */
export async function runWsAttacker(
  url: string,
  via: 'wsm.v1.json' | 'wsm.v1.msgpack',
  frames: readonly FuzzFrame[],
): Promise<AttackerResult> {
  const binary = via === 'wsm.v1.msgpack';
  const ws = new WebSocket(url, via);
  const received: unknown[] = [];
  let undecodable = 0;
  let synced!: () => void;
  const sync = new Promise<void>((resolve) => (synced = resolve));
  ws.on('error', () => {});
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    try {
      if (isBinary !== binary) throw new Error('wrong frame kind');
      const f: unknown = binary ? decode(data) : JSON.parse(data.toString('utf8'));
      received.push(f);
      if (isSyncAnswer(f)) synced();
    } catch {
      undecodable++;
    }
  });
  const closed = new Promise<number>((resolve) =>
    ws.once('close', (code: number) => resolve(code)),
  );
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', () => reject(new Error('attacker refused at upgrade')));
    }),
    'attacker open',
  );
  for (const f of frames) ws.send(f.payload, { binary: f.binary });
  ws.send(binary ? encode(SYNC_FRAME) : JSON.stringify(SYNC_FRAME));
  await withTimeout(Promise.race([sync, closed]), 'sync answer or close');
  if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  const closeCode = await withTimeout(closed, 'attacker close');
  return { frames: received, undecodable, closeCode };
}

/** Writes one framing violation on a raw TCP WebSocket and waits for the server's close. */
export async function runRawAttacker(
  port: number,
  path: string,
  v: FuzzViolation,
): Promise<AttackerResult> {
  const c = await rawWsClient(port, path);
  try {
    const payload = Buffer.from(v.payload);
    switch (v.kind) {
      case 'unmasked':
        c.sendFrame(1, payload, { mask: false });
        break;
      case 'rsv':
        c.sendFrame(1, payload, { rsv: v.rsv });
        break;
      case 'opcode':
        c.sendFrame(v.opcode, payload);
        break;
      case 'oversize':
        c.write(buildFrame(2, payload, { declaredLength: 2 ** 32 + payload.length }));
        break;
      case 'utf8':
        c.sendFrame(1, Buffer.concat([payload, Buffer.from([0xff])]));
        break;
    }
    const closeCode = await c.closeCode(STEP_MS);
    let undecodable = 0;
    const frames: unknown[] = [];
    for (const f of c.frames) {
      if (f.opcode === 8) continue;
      try {
        if (f.opcode !== 1) throw new Error('not a text frame');
        frames.push(JSON.parse(f.payload.toString('utf8')));
      } catch {
        undecodable++;
      }
    }
    return { frames, undecodable, closeCode };
  } finally {
    c.socket.destroy();
  }
}
