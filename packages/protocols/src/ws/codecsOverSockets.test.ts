import { decode, encode } from '@msgpack/msgpack';
import type { Logger, ServerFrame } from '@ws/core';
import { silentLogger } from '@ws/core';
import { Buffer } from 'node:buffer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestClient, TestServer } from '../test/harness.js';
import {
  connectClient,
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  startServer,
} from '../test/harness.js';

const msgpackDecode = (d: Buffer, isBinary: boolean): unknown => {
  if (!isBinary) throw new Error('msgpack clients expect binary frames');
  return decode(d);
};
/** Legacy frames, turned back into v1 frames so the harness can wait on their type. */
const legacyDecode = (d: Buffer): unknown => {
  const f = JSON.parse(d.toString()) as { event: string; data: Record<string, unknown> };
  return { ...f.data, type: f.event, legacy: f };
};

describe('codecs over real sockets', () => {
  let srv: TestServer;
  let proto: string[];
  let warnings: { message: string; fields: Record<string, unknown> | undefined }[];
  beforeEach(async () => {
    proto = prototypeSnapshot();
    warnings = [];
    const logger: Logger = {
      ...silentLogger(),
      warn: (message, fields) => warnings.push({ message, fields: fields }),
    };
    srv = await startServer({ authorizeThread: () => true }, { logger });
  });
  afterEach(async () => {
    await expectAlive(srv);
    expectPrototypeClean(proto);
    await srv.close();
  });

  const msgpackClient = (user: string): TestClient =>
    connectClient(srv.url(`token=good-${user}`), 'wsm.v1.msgpack', {}, msgpackDecode);
  const legacyClient = (query: string, headers: Record<string, string> = {}): TestClient =>
    connectClient(srv.url(query), 'legacy.json', { headers }, legacyDecode);

  it('wsm.v1.msgpack: binary frames both ways, join/publish/message', async () => {
    const c = msgpackClient('mia');
    const welcome = await c.next('welcome');
    expect(welcome.userId).toBe('mia');
    expect(c.ws.protocol).toBe('wsm.v1.msgpack');
    c.ws.send(encode({ type: 'join', thread: 'room', id: 1 }));
    expect(await c.next('ack')).toEqual({ type: 'ack', id: 1 });
    c.ws.send(
      encode({
        type: 'publish',
        thread: 'room',
        data: { text: 'hé', n: 1.5, bin: new Uint8Array([1, 2]) },
        id: 2,
      }),
    );
    const msg = await c.next('message');
    expect(msg).toMatchObject({
      type: 'message',
      thread: 'room',
      from: 'mia',
      data: { text: 'hé', n: 1.5 },
    });
    expect([...(msg.data as { bin: Uint8Array }).bin]).toEqual([1, 2]);
    c.ws.close();
    await c.closed;
  });

  it('wsm.v1.msgpack: a text frame is bad_request, the connection stays', async () => {
    const c = msgpackClient('mia');
    await c.next('welcome');
    c.ws.send('{"type":"ping"}');
    expect(await c.next('error')).toMatchObject({
      code: 'bad_request',
      message: 'wsm.v1.msgpack expects binary frames',
    });
    c.ws.send(encode({ type: 'ping' }));
    expect(await c.next('pong')).toEqual({ type: 'pong' });
    c.ws.close();
    await c.closed;
  });

  it('wsm.v1.msgpack: nesting past 32 and garbage are bad_request', async () => {
    const c = msgpackClient('mia');
    await c.next('welcome');
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    c.ws.send(encode({ type: 'ping', deep }));
    expect(await c.next('error')).toMatchObject({
      code: 'bad_request',
      message: 'frame nests deeper than 32 levels',
    });
    c.ws.send(Buffer.from([0xc1]));
    expect(await c.next('error')).toMatchObject({
      code: 'bad_request',
      message: 'frame is not valid MessagePack',
    });
    c.ws.close();
    await c.closed;
  });

  it('wsm.v1.msgpack: __proto__ keys are refused, constructor/prototype dropped; Object.prototype clean', async () => {
    const c = msgpackClient('mia');
    await c.next('welcome');
    // Map { type: 'ping', __proto__: { polluted: 1 } } written by hand (encoders won't emit it).
    const hostile = Buffer.concat([
      Buffer.from([0x82, 0xa4]),
      Buffer.from('type'),
      Buffer.from([0xa4]),
      Buffer.from('ping'),
      Buffer.from([0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([0x81, 0xa8]),
      Buffer.from('polluted'),
      Buffer.from([0x01]),
    ]);
    c.ws.send(hostile);
    expect(await c.next('error')).toMatchObject({
      code: 'bad_request',
      message: 'frame is not valid MessagePack',
    });
    c.ws.send(encode({ type: 'join', thread: 'room', id: 1 }));
    await c.next('ack');
    c.ws.send(
      encode({
        type: 'publish',
        thread: 'room',
        data: { constructor: { prototype: { polluted: 1 } }, ok: true },
      }),
    );
    const msg = await c.next('message');
    expect(msg.data).toEqual({ ok: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    c.ws.close();
    await c.closed;
  });

  it('legacy.json: {event, data} both ways; the event wins over data.type', async () => {
    const c = legacyClient('token=good-leo&v=1.4.2');
    const welcome = (await c.next('welcome')) as ServerFrame & { legacy: unknown };
    expect(c.ws.protocol).toBe('legacy.json');
    expect(welcome.legacy).toMatchObject({ event: 'welcome', data: { userId: 'leo' } });
    expect(Object.keys((welcome.legacy as { data: object }).data)).not.toContain('type');
    c.ws.send(
      JSON.stringify({ event: 'join', data: { thread: 'room', id: 'j1', type: 'publish' } }),
    );
    expect(((await c.next('ack')) as unknown as { legacy: unknown }).legacy).toEqual({
      event: 'ack',
      data: { id: 'j1' },
    });
    c.ws.send(
      JSON.stringify({ event: 'publish', data: { thread: 'room', data: { text: 'old' } } }),
    );
    const msg = (await c.next('message')) as unknown as { legacy: unknown };
    expect(msg.legacy).toMatchObject({
      event: 'message',
      data: { thread: 'room', from: 'leo', data: { text: 'old' } },
    });
    c.ws.send(JSON.stringify({ event: 'ping' }));
    expect(((await c.next('pong')) as unknown as { legacy: unknown }).legacy).toEqual({
      event: 'pong',
      data: {},
    });
    c.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await c.next('error')).toMatchObject({ code: 'bad_request' });
    c.ws.close();
    await c.closed;
  });

  it('legacy.json: one deprecation warning per connection, and a metric by version bucket', async () => {
    const a = legacyClient('token=good-leo&v=1.4.2');
    await a.next('welcome');
    for (let i = 0; i < 3; i++) a.ws.send(JSON.stringify({ event: 'ping' }));
    for (let i = 0; i < 3; i++) await a.next('pong');
    const b = legacyClient('token=good-lia', { 'x-client-version': '2.0.0-beta' });
    await b.next('welcome');
    const c = legacyClient('token=good-lou', { 'x-client-version': 'banana' });
    await c.next('welcome');
    const d = legacyClient('token=good-lee&v=9.1');
    await d.next('welcome');
    const legacyWarnings = warnings.filter((w) => w.fields?.code === 'WS_LEGACY_PROTOCOL');
    expect(legacyWarnings).toHaveLength(4);
    expect(legacyWarnings.map((w) => w.fields?.clientVersion).sort()).toEqual([
      '1.x',
      '2.x',
      'other',
      'other',
    ]);
    const counter = srv.manager.metrics.read('ws_legacy_connections_total');
    expect(counter?.kind).toBe('counter');
    const values = Object.fromEntries(
      (counter?.samples ?? []).map((s) => [
        (s.labels as Record<string, string>).client_version,
        (s as { value: number }).value,
      ]),
    );
    expect(values).toEqual({ '1.x': 1, '2.x': 1, other: 2 });
    // A JSON client is never counted.
    const j = connectClient(srv.url('token=good-jo&v=1.0'));
    await j.next('welcome');
    expect(warnings.filter((w) => w.fields?.code === 'WS_LEGACY_PROTOCOL')).toHaveLength(4);
    for (const x of [a, b, c, d, j]) x.ws.close();
    await Promise.all([a, b, c, d, j].map((x) => x.closed));
  });

  it('one thread, three codecs: JSON, MessagePack and legacy members all get the message', async () => {
    const j = connectClient(srv.url('token=good-jo'), 'wsm.v1.json');
    const m = msgpackClient('mia');
    const l = legacyClient('token=good-leo');
    await Promise.all([j.next('welcome'), m.next('welcome'), l.next('welcome')]);
    j.send({ type: 'join', thread: 'mix', id: 1 });
    m.ws.send(encode({ type: 'join', thread: 'mix', id: 1 }));
    l.ws.send(JSON.stringify({ event: 'join', data: { thread: 'mix', id: 1 } }));
    await Promise.all([j.next('ack'), m.next('ack'), l.next('ack')]);
    const result = await srv.manager.sendToThread('mix' as never, { hello: 'all' });
    expect(result.delivered).toBe(3);
    const [mj, mm, ml] = await Promise.all([
      j.next('message'),
      m.next('message'),
      l.next('message'),
    ]);
    expect(mj.data).toEqual({ hello: 'all' });
    expect(mm.data).toEqual({ hello: 'all' });
    expect(ml.data).toEqual({ hello: 'all' });
    expect(typeof j.raw.at(-1)).toBe('string');
    expect(Buffer.isBuffer(m.raw.at(-1))).toBe(true);
    for (const x of [j, m, l]) x.ws.close();
    await Promise.all([j, m, l].map((x) => x.closed));
  });

  it('the default subprotocol applies to clients that offer none (legacy for old deployments)', async () => {
    await srv.close();
    srv = await startServer({}, { defaultSubprotocol: 'legacy.json', logger: silentLogger() });
    const c = connectClient(srv.url('token=good-old'), undefined, {}, legacyDecode);
    const welcome = (await c.next('welcome')) as unknown as { legacy: unknown };
    expect(c.ws.protocol).toBe('');
    expect(welcome.legacy).toMatchObject({ event: 'welcome', data: { userId: 'old' } });
    c.ws.close();
    await c.closed;
    await srv.close();
    srv = await startServer();
  });
});
