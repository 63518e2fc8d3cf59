import type { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { TestServer } from '../test/harness.js';
import {
  connectWelcomed,
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  rawRequest,
  startServer,
  upgradeHeaders,
} from '../test/harness.js';

/** A second WebSocket endpoint (a dashboard's live stream) on `/live` that echoes. */
function liveEndpoint(): {
  wss: WebSocketServer;
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
} {
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => ws.send(`echo:${data.toString()}`));
  });
  return {
    wss,
    onUpgrade(req, socket, head) {
      if (!req.url?.startsWith('/live')) return;
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
  };
}

async function echo(url: string): Promise<string> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const reply = new Promise<string>((resolve) =>
    ws.once('message', (d: Buffer) => resolve(d.toString())),
  );
  ws.send('hi');
  const text = await reply;
  ws.close();
  await new Promise((r) => ws.once('close', r));
  return text;
}

describe('attach shares the server with other upgrade handlers', () => {
  let srv: TestServer | undefined;
  const proto = prototypeSnapshot();
  afterEach(async () => {
    expectPrototypeClean(proto);
    await srv?.close();
    srv = undefined;
  });

  it('a second upgrade handler registered after attach keeps working', async () => {
    srv = await startServer();
    const live = liveEndpoint();
    srv.server.on('upgrade', live.onUpgrade);
    expect(await echo(`ws://127.0.0.1:${srv.port}/live`)).toBe('echo:hi');
    const { client, welcome } = await connectWelcomed(srv.url('token=good-alice'));
    expect(welcome.userId).toBe('alice');
    // Both at once, and attach's refusals don't touch the other path.
    expect(await echo(`ws://127.0.0.1:${srv.port}/live?token=whatever`)).toBe('echo:hi');
    expect((await rawRequest(srv.port, '/ws', upgradeHeaders())).status).toBe(401);
    expect(await echo(`ws://127.0.0.1:${srv.port}/live`)).toBe('echo:hi');
    client.ws.close();
    await client.closed;
    await expectAlive(srv);
    srv.server.removeListener('upgrade', live.onUpgrade);
    live.wss.close();
  });

  it('a handler registered before attach keeps working too', async () => {
    const live = liveEndpoint();
    srv = await startServer();
    // Move attach's listener behind the live one.
    const listeners = srv.server.listeners('upgrade');
    srv.server.removeAllListeners('upgrade');
    srv.server.on('upgrade', live.onUpgrade);
    for (const l of listeners) srv.server.on('upgrade', l as (...args: unknown[]) => void);
    expect(await echo(`ws://127.0.0.1:${srv.port}/live`)).toBe('echo:hi');
    await expectAlive(srv);
    live.wss.close();
  });

  it('with no other upgrade listener, another path gets 404 instead of hanging', async () => {
    srv = await startServer();
    const res = await rawRequest(srv.port, '/elsewhere?token=good-a', upgradeHeaders());
    expect(res.status).toBe(404);
    await expectAlive(srv);
  });

  it('only the exact path is ours: /ws/extra and /wsx are not', async () => {
    srv = await startServer();
    expect((await rawRequest(srv.port, '/ws/extra?token=good-a', upgradeHeaders())).status).toBe(
      404,
    );
    expect((await rawRequest(srv.port, '/wsx?token=good-a', upgradeHeaders())).status).toBe(404);
    expect((await rawRequest(srv.port, '/ws?token=good-a', upgradeHeaders())).status).toBe(101);
  });

  it('two attaches (two managers) on two paths of one server stay apart', async () => {
    srv = await startServer();
    const { createManager, silentLogger } = await import('@ws/core');
    const { attach } = await import('./attach.js');
    const other = createManager({ logger: silentLogger() });
    const handle = attach(other, {
      server: srv.server,
      path: '/admin',
      authenticate: (_req, token) => (token === 'admin' ? { userId: 'root' } : null),
      logger: silentLogger(),
    });
    const admin = await connectWelcomed(`ws://127.0.0.1:${srv.port}/admin?token=admin`);
    expect(admin.welcome.userId).toBe('root');
    expect(other.getStats().connections).toBe(1);
    expect(srv.manager.getStats().connections).toBe(0);
    await expectAlive(srv);
    admin.client.ws.close();
    await admin.client.closed;
    await handle.close();
    await other.close();
  });
});
