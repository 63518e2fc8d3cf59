import type { WebSocketConstructor, WebSocketLike } from '../socket.js';

type Handler = ((ev: unknown) => void) | null;
interface Close {
  readonly code: number;
  readonly reason: string;
}
type HttpSocket = WebSocketLike & {
  readyState: number;
  onopen: Handler;
  onmessage: Handler;
  onclose: Handler;
};

/**
 * A `WebSocketLike` over the HTTP transport of PROTOCOL.md, at the same host and path as the
 * `ws:`/`wss:` URL (`http:`/`https:`, path + `/sse`): the server's frames come down one
 * Server-Sent Events stream read with `fetch` (Node 20 has no `EventSource`), the client's go up
 * in POSTs of JSON arrays (at most 100 frames, about 64 KiB), one in flight, numbered 1,
 * 2, 3, ... and retried with the same number (3 times, after 0.5 s x the try) on a network
 * failure, 429 or 503: the server delivers a number once. `onopen` fires on the `session` event;
 * the stream's `close` event fires `onclose` with its code; an end without one, or a POST that
 * cannot be delivered, 1006; a POST over the size limit 1009. The server writes each event as at
 * most an `event:` line and one `data:` line.
 */
function openHttpSocket(wsUrl: string): WebSocketLike {
  const base = new URL(wsUrl);
  base.protocol = base.protocol === 'wss:' ? 'https:' : 'http:';
  base.pathname = `${base.pathname.replace(/\/$/, '')}/sse`;
  const abort = new AbortController();
  let postUrl = '';
  let secret = '';
  let seq = 0;
  let queue: string[] = [];
  let busy = false;
  const end = (code: number, reason: string): void => {
    if (s.readyState > 2) return;
    s.readyState = 3;
    abort.abort();
    queue = [];
    s.onclose?.({ code, reason });
  };
  const s = {
    readyState: 0,
    send(data: string) {
      if (s.readyState !== 1) return;
      queue.push(data);
      void pump();
    },
    close: (code = 1000, reason = '') => end(code, reason),
  } as unknown as HttpSocket;
  const onEvent = (block: string): void => {
    const [, type, data = ''] = /^(?:event: ?(.*)\n)?data: ?(.*)$/s.exec(block) ?? [];
    if (type === undefined) {
      if (s.readyState === 1 && data !== '') s.onmessage?.({ data });
      return;
    }
    const v = JSON.parse(data) as { connectionId: string; postSecret: string } & Close;
    if (type === 'close') end(v.code, v.reason);
    else if (type === 'session') {
      postUrl = `${base.origin}${base.pathname}/${encodeURIComponent(v.connectionId)}`;
      secret = v.postSecret;
      s.readyState = 1;
      s.onopen?.({});
    }
  };
  const read = async (): Promise<void> => {
    const res = await fetch(base.href, { signal: abort.signal });
    const reader = res.status === 200 ? res.body?.getReader() : undefined;
    if (reader === undefined) return end(1006, `HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return end(1006, '');
      buf += decoder.decode(value, { stream: true });
      for (let i; (i = buf.indexOf('\n\n')) >= 0 && s.readyState < 3; buf = buf.slice(i + 2))
        onEvent(buf.slice(0, i));
    }
  };
  const pump = async (): Promise<void> => {
    if (busy || queue.length === 0 || s.readyState !== 1) return;
    busy = true;
    // At most 100 frames and about 64 KiB (one frame may be bigger), under the server's limits.
    let n = 1;
    for (let size = queue[0]?.length ?? 0; n < 100 && n < queue.length; n++)
      if ((size += queue[n]?.length ?? 0) > 65536) break;
    const body = `[${queue.splice(0, n).join(',')}]`;
    const headers = {
      'content-type': 'application/json',
      'x-wsm-secret': secret,
      'x-wsm-seq': `${++seq}`,
    };
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      try {
        const res = await fetch(postUrl, { method: 'POST', headers, body, signal: abort.signal });
        status = res.status;
        void res.body?.cancel();
      } catch {
        // a network failure: retried like a 503
      }
      if (s.readyState > 2) return;
      if (status === 200) break;
      if (attempt > 3 || ![0, 429, 503].includes(status))
        return end(status === 413 ? 1009 : 1006, `POST ${status}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
    busy = false;
    return pump();
  };
  read().catch(() => end(1006, ''));
  return s;
}

/**
 * The `WebSocket` constructor of the HTTP transport (over the global `fetch`): `new` on a
 * function that returns an object gives that object. Text frames only (`wsm.v1.json`).
 */
export const HttpSocket = openHttpSocket as unknown as WebSocketConstructor;
