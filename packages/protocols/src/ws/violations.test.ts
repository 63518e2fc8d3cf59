/**
 * Protocol violations from a raw TCP client writing hand-built frames: each gets the exact close
 * code, the server keeps serving (a fresh connection upgrades and gets `welcome`), and
 * Object.prototype is untouched.
 */
import { Buffer } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawWsClient, TestServer } from '../test/harness.js';
import {
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  rawWsClient,
  startServer,
} from '../test/harness.js';

const MAX = 1024;

describe('protocol violations on a real socket', () => {
  let srv: TestServer;
  let proto: string[];
  const clients: RawWsClient[] = [];
  beforeEach(async () => {
    proto = prototypeSnapshot();
    srv = await startServer({ maxMessageBytes: MAX });
  });
  afterEach(async () => {
    await expectAlive(srv);
    expectPrototypeClean(proto);
    expect(srv.manager.getStats().connections).toBe(0);
    for (const c of clients.splice(0)) c.socket.destroy();
    await srv.close();
  });

  const open = async (
    query = 'token=good-raw',
    headers: Record<string, string> = {},
  ): Promise<RawWsClient> => {
    const c = await rawWsClient(srv.port, `/ws?${query}`, headers);
    clients.push(c);
    expect(c.status).toBe(101);
    if (headers['Sec-WebSocket-Protocol'] === 'legacy.json') {
      await c.nextJson(undefined);
    } else {
      await c.nextJson('welcome');
    }
    return c;
  };

  it('a valid hand-built frame works (the raw client is sound)', async () => {
    const c = await open();
    c.sendFrame(1, JSON.stringify({ type: 'ping' }));
    expect((await c.nextJson('pong')).type).toBe('pong');
    c.sendFrame(8, Buffer.from([0x03, 0xe8]));
    expect(await c.closeCode()).toBe(1000);
  });

  it('invalid UTF-8 in a text frame -> 1007', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(await c.closeCode()).toBe(1007);
  });

  it('invalid UTF-8 split across fragments -> 1007', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.from('{"type":"ping"'), { fin: false });
    c.sendFrame(0, Buffer.from([0xc3]), { fin: true }); // a truncated 2-byte sequence at the end
    expect(await c.closeCode()).toBe(1007);
  });

  it('a binary frame on the text subprotocol wsm.v1.json -> 1003, never decoded', async () => {
    const c = await open('token=good-raw', { 'Sec-WebSocket-Protocol': 'wsm.v1.json' });
    c.sendFrame(2, Buffer.from(JSON.stringify({ type: 'ping' })));
    expect(await c.closeCode()).toBe(1003);
    expect(
      c.frames.filter((f) => f.opcode === 1).map((f) => JSON.parse(f.payload.toString()).type),
    ).toEqual(['welcome']);
  });

  it('a binary frame on legacy.json (text) -> 1003', async () => {
    const c = await open('token=good-raw', { 'Sec-WebSocket-Protocol': 'legacy.json' });
    expect(JSON.parse((c.frames[0] as { payload: Buffer }).payload.toString())).toMatchObject({
      event: 'welcome',
    });
    c.sendFrame(2, Buffer.from([1, 2, 3]));
    expect(await c.closeCode()).toBe(1003);
  });

  it('a message over maxMessageBytes in one frame -> 1009 (ws maxPayload)', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.alloc(MAX + 1, 0x20));
    expect(await c.closeCode()).toBe(1009);
  });

  it('a frame header announcing a huge length -> 1009 before the payload arrives', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.alloc(0), { declaredLength: 2 ** 40 } as never);
    expect(await c.closeCode()).toBe(1009);
  });

  it('fragments adding up past maxMessageBytes -> 1009', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.alloc(600, 0x20), { fin: false });
    c.sendFrame(0, Buffer.alloc(600, 0x20), { fin: true });
    expect(await c.closeCode()).toBe(1009);
  });

  it('an unknown opcode -> 1002', async () => {
    const c = await open();
    c.sendFrame(3, Buffer.from('x'));
    expect(await c.closeCode()).toBe(1002);
  });

  it('reserved bits set without an extension -> 1002', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.from('{"type":"ping"}'), { rsv: 0b100 });
    expect(await c.closeCode()).toBe(1002);
  });

  it('an unmasked client frame -> 1002', async () => {
    const c = await open();
    c.sendFrame(1, Buffer.from('{"type":"ping"}'), { mask: false });
    expect(await c.closeCode()).toBe(1002);
  });

  it('a continuation frame with nothing to continue -> 1002', async () => {
    const c = await open();
    c.sendFrame(0, Buffer.from('x'));
    expect(await c.closeCode()).toBe(1002);
  });

  it('a fragmented control frame -> 1002', async () => {
    const c = await open();
    c.sendFrame(9, Buffer.from('x'), { fin: false });
    expect(await c.closeCode()).toBe(1002);
  });

  it('garbage bytes instead of frames -> closed (1002), server alive', async () => {
    const c = await open();
    c.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(await c.closeCode()).toBe(1002);
  });

  it('JSON nested deeper than 32 levels -> error bad_request, connection kept', async () => {
    const c = await open();
    c.sendFrame(1, `${'['.repeat(33)}${']'.repeat(33)}`);
    const err = await c.nextJson('error');
    expect(err).toMatchObject({
      code: 'bad_request',
      message: 'frame nests deeper than 32 levels',
    });
    c.sendFrame(1, JSON.stringify({ type: 'ping' }));
    expect((await c.nextJson('pong')).type).toBe('pong');
    c.sendFrame(8, Buffer.from([0x03, 0xe8]));
    expect(await c.closeCode()).toBe(1000);
  });

  it('prototype keys (plain and escaped) in JSON never reach Object.prototype', async () => {
    const c = await open();
    c.sendFrame(1, '{"type":"ping","__proto__":{"polluted":1}}');
    c.sendFrame(1, '{"type":"ping","constructor":{"prototype":{"polluted":1}}}');
    c.sendFrame(1, '{"type":"ping","\\u005f_proto__":{"polluted":1}}');
    c.sendFrame(1, '{"type":"ping"}');
    for (let i = 0; i < 4; i++) await c.nextJson('pong');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    c.sendFrame(8, Buffer.from([0x03, 0xe8]));
    expect(await c.closeCode()).toBe(1000);
  });
});
