/**
 * One soak client: a `ws` connection speaking `wsm.v1.json` to 127.0.0.1, with the requests the
 * load needs (join, publish) answered through their `ack`, and the ledger of the thread messages
 * it was owed (`expected`, filled by the publisher side) and the ones it got (`got`).
 */
import { WebSocket } from 'ws';

/** Counters shared by every client of a run. */
export interface ClientTotals {
  opened: number;
  closed: number;
  connectErrors: number;
  /** Closes this side did not ask for (the server closed, or the socket failed). */
  unexpectedCloses: number;
  /** `error` frames from the server. */
  errorFrames: number;
  sent: number;
  received: number;
  /** Thread messages received twice by the same connection. */
  duplicates: number;
}

/** A connected client. */
export interface SoakClient {
  readonly userId: string;
  /** Sequence numbers of the messages this connection was owed (joined before the publish). */
  readonly expected: Set<number>;
  /** Sequence numbers of the messages it received. */
  readonly got: Set<number>;
  join(thread: string): Promise<void>;
  /** Publishes `{ s: seq }` to `thread`; resolves on its `ack`. */
  publish(thread: string, seq: number): Promise<void>;
  /** True while open and not closed by this side. */
  isOpen(): boolean;
  /** True when the connection closed without this side asking. */
  dropped(): boolean;
  /** Closes (`graceful`: a 1000 close handshake, else terminate); resolves when closed. */
  close(graceful: boolean): Promise<void>;
}

/** Where and how long to wait. */
export interface ClientTarget {
  readonly port: number;
  readonly timeoutMs: number;
  readonly totals: ClientTotals;
}

interface Frame {
  readonly type?: string;
  readonly id?: number;
  readonly data?: { readonly s?: number };
}

/** Opens a client for `userId`; resolves after `welcome`, rejects on timeout or failure. */
export function openClient(target: ClientTarget, userId: string): Promise<SoakClient> {
  const { port, timeoutMs, totals } = target;
  const url = `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(userId)}`;
  const ws = new WebSocket(url, 'wsm.v1.json', { perMessageDeflate: false });
  const pending = new Map<number, { ok: () => void; fail: (err: Error) => void }>();
  const expected = new Set<number>();
  const got = new Set<number>();
  let nextId = 1;
  let closing = false;
  let open = false;
  let dropped = false;
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));

  const request = (frame: Record<string, unknown>): Promise<void> =>
    new Promise<void>((ok, fail) => {
      const id = nextId++;
      const t = setTimeout(() => {
        pending.delete(id);
        fail(new Error(`${userId}: ${String(frame.type)} not acknowledged in ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        ok: () => {
          clearTimeout(t);
          ok();
        },
        fail: (err) => {
          clearTimeout(t);
          fail(err);
        },
      });
      ws.send(JSON.stringify({ ...frame, id }));
    });

  const client: SoakClient = {
    userId,
    expected,
    got,
    join: (thread) => request({ type: 'join', thread }),
    publish: async (thread, seq) => {
      totals.sent += 1;
      await request({ type: 'publish', thread, data: { s: seq } });
    },
    isOpen: () => open && !closing && ws.readyState === WebSocket.OPEN,
    dropped: () => dropped,
    close: async (graceful) => {
      if (closing) return closed;
      closing = true;
      if (graceful) ws.close(1000);
      else ws.terminate();
      const t = setTimeout(() => ws.terminate(), timeoutMs);
      await closed;
      clearTimeout(t);
    },
  };

  return new Promise<SoakClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${userId}: no welcome in ${timeoutMs} ms`));
    }, timeoutMs);
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as Frame;
      switch (frame.type ?? '') {
        case 'welcome':
          open = true;
          totals.opened += 1;
          clearTimeout(timer);
          resolve(client);
          return;
        case 'ack':
          pending.get(Number(frame.id))?.ok();
          pending.delete(Number(frame.id));
          return;
        case 'error':
          totals.errorFrames += 1;
          pending.get(Number(frame.id))?.fail(new Error(`${userId}: ${raw.toString('utf8')}`));
          pending.delete(Number(frame.id));
          return;
        case 'message': {
          const s = frame.data?.s;
          if (typeof s !== 'number') return;
          totals.received += 1;
          if (got.has(s)) totals.duplicates += 1;
          else got.add(s);
          return;
        }
        default:
          return;
      }
    });
    ws.on('error', () => {
      if (!open) {
        clearTimeout(timer);
        reject(new Error(`${userId}: connection failed`));
      }
    });
    ws.on('close', () => {
      if (!open) {
        clearTimeout(timer);
        reject(new Error(`${userId}: closed before welcome`));
        return;
      }
      totals.closed += 1;
      if (!closing) {
        dropped = true;
        totals.unexpectedCloses += 1;
      }
      for (const p of pending.values()) p.fail(new Error(`${userId}: closed`));
      pending.clear();
    });
  });
}
