/**
 * The one check of a server that mounts the stack on a framework (the examples): the
 * framework's own route still answers, the dashboard (page, config write, live events) and
 * `/metrics` answer behind their token, and a wire-protocol round trip works over the WebSocket
 * endpoint: two users join a thread and one's publish reaches the other, with the offset of the
 * publisher's `ack` and the publisher as `from`; with an API key, `@ws/http-api` at `/api` answers
 * 401 without it and a publish through it reaches the members with `from: null`. (A raw `wsm.v1.json` client, not `@ws/client`:
 * the client's own tests use this toolkit, so the toolkit cannot depend on it.)
 */
import { WebSocket } from 'undici';
import { expect } from 'vitest';
import { parsePrometheus } from './parsePrometheus.js';
import { waitFor } from './waitFor.js';

/** What to check on a mounted server. */
export interface MountedStack {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** The WebSocket endpoint, `ws://127.0.0.1:<port>/ws`. */
  readonly wsUrl: string;
  /** The dashboard's admin token. */
  readonly adminToken: string;
  /** Two client credentials the server's `authenticate` accepts, for two different users. */
  readonly userTokens: readonly [string, string];
  /** A route of the framework's own, and a text its body contains. */
  readonly ownRoute: { readonly path: string; readonly contains: string };
  /** The key of `@ws/http-api` mounted at `/api` (checked when given). */
  readonly apiKey?: string;
}

/** `@ws/http-api` at `/api`: 401 without the key, the stats with it. */
async function expectApi(stack: MountedStack, apiKey: string): Promise<void> {
  const refused = await fetch(`${stack.baseUrl}/api/stats`);
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
  const stats = await fetch(`${stack.baseUrl}/api/stats`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(stats.status).toBe(200);
  expect(await stats.json()).toMatchObject({ health: { status: 'ready' } });
}

/** Publishes through `/api/publish`; answers the offset the API gave. */
async function apiPublish(stack: MountedStack, apiKey: string): Promise<unknown> {
  const res = await fetch(`${stack.baseUrl}/api/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ thread: 'lobby', data: { text: 'from the api' } }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { ok: boolean; offset?: string };
  expect(body.ok).toBe(true);
  return body.offset;
}

async function expectHttp(stack: MountedStack): Promise<void> {
  const own = await fetch(`${stack.baseUrl}${stack.ownRoute.path}`);
  expect(own.status).toBe(200);
  expect(await own.text()).toContain(stack.ownRoute.contains);

  const auth = { authorization: `Bearer ${stack.adminToken}` };
  const refused = await fetch(`${stack.baseUrl}/dashboard`);
  expect(refused.status).toBe(401);
  await refused.arrayBuffer();
  const page = await fetch(`${stack.baseUrl}/dashboard`, { headers: auth });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  await page.arrayBuffer();

  const noMetrics = await fetch(`${stack.baseUrl}/metrics`);
  expect(noMetrics.status).toBe(401);
  await noMetrics.arrayBuffer();
  const metrics = await fetch(`${stack.baseUrl}/metrics`, { headers: auth });
  expect(metrics.status).toBe(200);
  const families = parsePrometheus(await metrics.text());
  expect(families.map((f) => f.name)).toContain('ws_connections');

  // A config write (the framework may have parsed the body already) and the live-update stream.
  const config = await fetch(`${stack.baseUrl}/dashboard/api/config`, { headers: auth });
  expect(config.status).toBe(200);
  const revision = Number(config.headers.get('x-config-revision'));
  const text = await config.text();
  const put = await fetch(`${stack.baseUrl}/dashboard/api/config`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json' },
    body: text,
  });
  expect(put.status).toBe(200);
  await put.arrayBuffer();
  const after = await fetch(`${stack.baseUrl}/dashboard/api/config`, { headers: auth });
  expect(Number(after.headers.get('x-config-revision'))).toBe(revision + 1);
  expect(await after.text()).toBe(text);
  const events = new AbortController();
  const stream = await fetch(`${stack.baseUrl}/dashboard/events`, {
    headers: auth,
    signal: events.signal,
  });
  expect(stream.status).toBe(200);
  expect(stream.headers.get('content-type')).toContain('text/event-stream');
  const first = await stream.body?.getReader().read();
  expect(new TextDecoder().decode(first?.value as Uint8Array | undefined)).toMatch(
    /^(data|event|id|retry|:)/m,
  );
  events.abort();

  const missing = await fetch(`${stack.baseUrl}/no-such-route`);
  expect(missing.status).toBe(404);
  await missing.arrayBuffer();
}

/** A raw `wsm.v1.json` client (undici's WebSocket): frames as they arrive, and a way to send one. */
async function rawClient(
  url: string,
): Promise<{ frames: Record<string, unknown>[]; ws: WebSocket }> {
  const ws = new WebSocket(url, ['wsm.v1.json']);
  const frames: Record<string, unknown>[] = [];
  ws.addEventListener('message', (ev) => {
    frames.push(JSON.parse(String(ev.data)) as Record<string, unknown>);
  });
  await waitFor(() => frames[0]?.['type'] === 'welcome', { message: `welcome on ${url}` });
  return { frames, ws };
}

async function expectRoundTrip(stack: MountedStack): Promise<void> {
  const [aliceToken, bobToken] = stack.userTokens;
  const alice = await rawClient(`${stack.wsUrl}?token=${encodeURIComponent(aliceToken)}`);
  const bob = await rawClient(`${stack.wsUrl}?token=${encodeURIComponent(bobToken)}`);
  try {
    for (const c of [alice, bob])
      c.ws.send(JSON.stringify({ type: 'join', thread: 'lobby', id: 'j' }));
    await waitFor(() => [alice, bob].every((c) => c.frames.some((f) => f['type'] === 'ack')), {
      message: 'both joins acknowledged',
    });
    alice.ws.send(
      JSON.stringify({ type: 'publish', thread: 'lobby', data: { text: 'hello' }, id: 'p' }),
    );
    const got = await waitFor(() => bob.frames.find((f) => f['type'] === 'message'), {
      message: "bob's copy of the message",
    });
    const ack = await waitFor(
      () => alice.frames.find((f) => f['type'] === 'ack' && f['id'] === 'p'),
      {
        message: "alice's ack",
      },
    );
    expect(got).toMatchObject({ thread: 'lobby', data: { text: 'hello' }, offset: ack['offset'] });
    expect(got['from']).toBe(alice.frames[0]?.['userId']);
    if (stack.apiKey !== undefined) {
      // A backend's publish through the HTTP API reaches the members as from the server.
      const offset = await apiPublish(stack, stack.apiKey);
      const fromApi = await waitFor(
        () => bob.frames.find((f) => f['type'] === 'message' && f['from'] === null),
        { message: "bob's copy of the API's message" },
      );
      expect(fromApi).toMatchObject({ thread: 'lobby', data: { text: 'from the api' }, offset });
    }
  } finally {
    alice.ws.close();
    bob.ws.close();
  }
}

/** Asserts the whole mounted stack (see the file's comment); throws on the first difference. */
export async function expectMountedStack(stack: MountedStack): Promise<void> {
  await expectHttp(stack);
  if (stack.apiKey !== undefined) await expectApi(stack, stack.apiKey);
  await expectRoundTrip(stack);
}
