/** Test helpers: a login token from a demo, and a raw `ws` client speaking `wsm.v1.json` with bounded waits. */
import WebSocket from 'ws';

/** One decoded server frame. */
export type Frame = Record<string, unknown>;

/** A `wsm.v1.json` connection to a demo's `/ws`, after its `welcome`. */
export interface WsPeer {
  readonly ws: WebSocket;
  /** Every frame received, in order (the `welcome` first). */
  readonly frames: Frame[];
  readonly welcome: Frame;
  /** Resolves with the close code once the connection is closed. */
  readonly closed: Promise<number>;
  /** The first frame received (so far or later) that matches, within `timeoutMs` (default 20 s). */
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  send(frame: Frame): void;
  /** Sends a request with a fresh `id` and waits for its `ack` (an `error` rejects). */
  request(frame: Frame): Promise<Frame>;
}

/** Logs `user` in on the demo at `baseUrl` (`POST /api/login`) and answers the token. */
export async function loginToken(baseUrl: string, user: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || body.token === undefined) {
    throw new Error(`login of ${user} answered ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

function opened(ws: WebSocket, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no open from ${url} in 20 s`)), 20_000);
    ws.once('open', () => (clearTimeout(timer), resolve()));
    ws.once('error', (err) => (clearTimeout(timer), reject(err)));
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`${url} refused the upgrade with ${res.statusCode}`));
    });
  });
}

/**
 * Connects to `<baseUrl>/ws` (http URL) with `token` (and `resume`, a `resumeToken` to take
 * back) and waits for `welcome`.
 */
export async function connectPeer(
  baseUrl: string,
  auth: { readonly token: string; readonly resume?: string },
): Promise<WsPeer> {
  const query = new URLSearchParams({ token: auth.token });
  if (auth.resume !== undefined) query.set('resume', auth.resume);
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws?${query.toString()}`;
  const ws = new WebSocket(url, ['wsm.v1.json']);
  const frames: Frame[] = [];
  const waiters = new Set<(f: Frame) => void>();
  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as Frame;
    frames.push(f);
    for (const w of [...waiters]) w(f);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await opened(ws, `${baseUrl}/ws`);
  const next = (match: (f: Frame) => boolean, timeoutMs = 20_000): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const seen = frames.find(match);
      if (seen !== undefined) {
        resolve(seen);
        return;
      }
      const waiter = (f: Frame): void => {
        if (!match(f)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        resolve(f);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  let lastId = 0;
  const send = (frame: Frame): void => ws.send(JSON.stringify(frame));
  const welcome = await next((f) => f.type === 'welcome');
  return {
    ws,
    frames,
    welcome,
    closed,
    next,
    send,
    async request(frame) {
      lastId += 1;
      const id = lastId;
      send({ ...frame, id });
      const answer = await next((f) => f.id === id && (f.type === 'ack' || f.type === 'error'));
      if (answer.type === 'error')
        throw new Error(`${String(frame.type)}: ${JSON.stringify(answer)}`);
      return answer;
    },
  };
}
