/** A real HTTP server on 127.0.0.1 with a real core manager behind `httpTransport`, and clients. */
import type { ClusterAdapter, Manager, ManagerOptions } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@ws/testkit';
import type { HttpTransport, HttpTransportOptions } from '../http/index.js';
import { httpTransport } from '../http/index.js';
import { testAuthenticate } from './testServer.js';

export interface HttpTestServer {
  readonly manager: Manager;
  readonly transport: HttpTransport;
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `httpTransport` (authenticate: `good-<user>`); other requests get 418. */
export async function startHttp(
  managerOptions: ManagerOptions = {},
  options: Partial<HttpTransportOptions> = {},
): Promise<HttpTestServer> {
  const manager = createManager({
    logger: silentLogger(),
    authorizeThread: () => true,
    ...managerOptions,
  });
  const transport = httpTransport(manager, {
    authenticate: testAuthenticate,
    logger: silentLogger(),
    ...options,
  });
  const server = createServer((req, res) => {
    if (transport.handle(req, res)) return;
    res.writeHead(418).end('not ours');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    manager,
    transport,
    server,
    origin,
    async close() {
      transport.close();
      await manager.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Wraps an adapter so that forwarded receives are never answered (an owner gone silent). */
export function silentOwner(adapter: ClusterAdapter): ClusterAdapter {
  return { ...adapter, receive: () => Promise.resolve({ outcome: 'no_answer' as const }) };
}

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** A stream read with fetch streaming, its events parsed as they come. */
export interface StreamClient {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[];
  /** The `session` event's fields (after {@link StreamClient.session}). */
  session(): Promise<{ connectionId: string; postSecret: string }>;
  /** The parsed `data` of every message event (server frames). */
  frames(): Record<string, unknown>[];
  /** Waits for a frame matching `match`. */
  frame(
    match: (f: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** True once the response ended. */
  ended(): boolean;
  abort(): void;
}

/** Parses one SSE event block (comments as event `:`). */
export function parseBlock(block: string): SseEvent {
  if (block.startsWith(':')) return { event: ':', data: block.slice(1).trim() };
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return { event, data: data.join('\n') };
}

/** Opens `GET <origin><path>/sse?<query>`; a non-200 answer's JSON body is in `events[0].data`. */
export async function openStream(
  origin: string,
  query = 'token=good-alice',
  init: { readonly headers?: Record<string, string>; readonly path?: string } = {},
): Promise<StreamClient> {
  const controller = new AbortController();
  const res = await fetch(`${origin}${init.path ?? '/ws'}/sse${query ? `?${query}` : ''}`, {
    headers: init.headers ?? {},
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  let done = false;
  if (res.status !== 200) {
    events.push({ event: 'refusal', data: await res.text() });
    done = true;
  } else {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            events.push(parseBlock(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted, or cut by the server
      }
      done = true;
    })();
  }
  const frames = (): Record<string, unknown>[] =>
    events
      .filter((e) => e.event === 'message')
      .map((e) => JSON.parse(e.data) as Record<string, unknown>);
  return {
    status: res.status,
    headers: res.headers,
    events,
    async session() {
      await waitFor(() => events.some((e) => e.event === 'session'), { timeoutMs: 5000 });
      const s = events.find((e) => e.event === 'session');
      return JSON.parse(s?.data ?? '{}') as { connectionId: string; postSecret: string };
    },
    frames,
    async frame(match, timeoutMs = 5000) {
      await waitFor(() => frames().some(match), { timeoutMs });
      return frames().find(match) as Record<string, unknown>;
    },
    ended: () => done,
    abort: () => controller.abort(),
  };
}

/** POSTs a batch; the status and the parsed JSON body. */
export async function postBatch(
  origin: string,
  target: {
    readonly connectionId: string;
    readonly secret?: string;
    readonly seq?: number | string;
  },
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const h: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
  if (target.secret !== undefined) h['X-Wsm-Secret'] = target.secret;
  if (target.seq !== undefined) h['X-Wsm-Seq'] = String(target.seq);
  const res = await fetch(`${origin}/ws/sse/${encodeURIComponent(target.connectionId)}`, {
    method: 'POST',
    headers: h,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as Record<string, unknown>,
    headers: res.headers,
  };
}

/** The sum of a counter's or gauge's samples whose labels include `labels`. */
export function metricValue(
  manager: Manager,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const s of manager.metrics.read(name)?.samples ?? []) {
    if (!('value' in s)) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels?.[k] === v)) total += s.value;
  }
  return total;
}
