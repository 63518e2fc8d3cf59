import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestProxy } from './testProxy.js';
import { startTestProxy } from './testProxy.js';

const servers: Server[] = [];
const upgraded = new Set<Duplex>();
let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const u of upgraded) u.destroy();
  upgraded.clear();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server answering its name, and upgrading by echoing what it receives. */
async function named(name: string): Promise<number> {
  const s = createServer((_req, res) => res.end(name));
  s.on('upgrade', (_req, socket) => {
    socket.on('error', () => undefined);
    upgraded.add(socket);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n',
    );
    socket.on('data', (d: Buffer) => socket.write(`${name}:${d.toString()}`));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** Sends an upgrade through the proxy, then `ping`; what came back within `ms`. */
async function upgrade(port: number, ms = 500): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let got = '';
  socket.on('data', (d: Buffer) => {
    got += d.toString();
    if (got.includes('101')) socket.write('ping');
  });
  socket.on('error', () => undefined);
  socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
  await new Promise((r) => setTimeout(r, ms));
  socket.destroy();
  return got;
}

describe('startTestProxy', () => {
  it('sends each request to the next target in turn, and passes upgrades through', async () => {
    const a = await named('a');
    const b = await named('b');
    proxy = await startTestProxy({ targets: [a, b] });
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push(await (await fetch(proxy.origin)).text());
    expect(bodies).toEqual(['a', 'b', 'a', 'b']);
    expect(await upgrade(proxy.port)).toMatch(/101 Switching Protocols[\s\S]*a:ping$/);
    expect([...proxy.forwarded.values()]).toEqual([3, 2]);
  });

  it('refuses upgrades with 400, or accepts and never answers them', async () => {
    const a = await named('a');
    proxy = await startTestProxy({ targets: [a], upgrade: 'refuse' });
    expect(await upgrade(proxy.port)).toMatch(/^HTTP\/1.1 400 Bad Request/);
    await proxy.close();
    proxy = await startTestProxy({ targets: [a], upgrade: 'hang' });
    expect(await upgrade(proxy.port, 300)).toBe('');
    expect(proxy.blockedUpgrades()).toBe(1);
    expect(await (await fetch(proxy.origin)).text()).toBe('a');
  });
});
