import type { ConnectionId, ServerFrame } from '@ws/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  controlEnvelope,
  decodeFrame,
  encodeFrame,
  envelope,
  evictEnvelope,
  openEnvelope,
  presenceEnvelope,
  presenceEnvelopeHead,
  threadEnvelopeHead,
} from './envelope.js';

/**
 * The 0.1 readers, copied verbatim from 0.1's `envelope.ts` (`openEnvelope`, its decode
 * unchanged) and `messageHandler.ts` (`control`): what an instance not yet upgraded does with a
 * message of the current format.
 */
const legacy = {
  openEnvelope(
    message: string,
  ): { origin: string; offset: string; frame: ServerFrame } | undefined {
    const a = message.indexOf('|');
    const b = a < 0 ? -1 : message.indexOf('|', a + 1);
    if (b < 0) return undefined;
    const offset = message.slice(a + 1, b);
    let frame = decodeFrame(message.slice(b + 1));
    if (offset !== '' && frame.type === 'message') frame = { ...frame, offset };
    return { origin: message.slice(0, a), offset, frame };
  },
  control(message: string, evictLocal: (connectionId: string, code: number) => void): void {
    const b = message.indexOf('|', message.indexOf('|') + 1);
    const msg = JSON.parse(message.slice(b + 1)) as {
      type: string;
      connectionId: string;
      code: number;
    };
    switch (msg.type) {
      case 'evict':
        evictLocal(msg.connectionId, msg.code);
        return;
    }
  },
};

/** What the Lua thread publish sends: the head, the stream id, the frame. */
const threadPublish = (origin: string, offset: string, frame: ServerFrame): string =>
  `${threadEnvelopeHead(origin)}${offset}",${encodeFrame(frame)}]`;

const connectionId = 'inst-2-1f' as ConnectionId;

/** Messages of every kind of the current format, payloads with `|` included. */
function currentMessages(data: unknown): string[] {
  const frame = { type: 'message', from: 'a|b', data } as ServerFrame;
  return [
    envelope('inst-1', frame),
    threadPublish('inst-1', '1700000000000-3', {
      type: 'message',
      thread: 't',
      from: null,
      data,
    }),
    evictEnvelope('inst-1', connectionId, 4100),
    controlEnvelope('inst-1', { request: { id: 'r|1', op: 'disconnect-user', args: { data } } }),
    controlEnvelope('inst-1', { reply: { id: 'r|1', result: { data } } }),
    presenceEnvelope('inst-1', {
      threadId: 't|1',
      joins: ['a|b'],
      leaves: [JSON.stringify(data) ?? 'null'],
    }),
    `${presenceEnvelopeHead('inst-1', 't|1')}[],["a\\u007cb"]]`,
  ];
}

describe('envelope', () => {
  it('keeps binary data as Uint8Array across the wire', () => {
    const frame = {
      type: 'message' as const,
      from: 'a',
      data: { bytes: new Uint8Array([0, 1, 255]), n: 1 },
    };
    const back = decodeFrame(encodeFrame(frame));
    expect(back).toEqual(frame);
    expect((back as { data: { bytes: unknown } }).data.bytes).toBeInstanceOf(Uint8Array);
  });

  it('writes no | at all, and reads payloads with | back intact', () => {
    const frame = { type: 'message', from: 'x|y', data: { 'k|': 'a||b|' } } as ServerFrame;
    const raw = envelope('inst-1', frame);
    expect(raw).not.toContain('|');
    expect(raw.startsWith('["frame",1,"inst-1","",')).toBe(true);
    expect(openEnvelope(raw)).toEqual({ kind: 'frame', origin: 'inst-1', offset: '', frame });
  });

  it('reads a thread publish with its offset set into the frame', () => {
    const frame = { type: 'message', thread: 't', from: null, data: 'x' } as ServerFrame;
    expect(openEnvelope(threadPublish('inst-1', '17-3', frame))).toEqual({
      kind: 'frame',
      origin: 'inst-1',
      offset: '17-3',
      frame: { ...frame, offset: '17-3' },
    });
  });

  it('keeps binary data in a request (a frame for another instance)', () => {
    const frame = { type: 'message', from: null, data: new Uint8Array([7, 124, 0]) };
    const raw = controlEnvelope('i', {
      request: { id: 'q', op: 'send-to-connection', args: { frame } },
    });
    const back = openEnvelope(raw, true);
    expect(back).toEqual({
      kind: 'request',
      origin: 'i',
      request: { id: 'q', op: 'send-to-connection', args: { frame } },
    });
  });

  it('reads presence diffs, from JavaScript and from a Lua script alike', () => {
    const diff = { threadId: 't|1', joins: ['a|b'], leaves: [] };
    const raw = presenceEnvelope('i', diff);
    expect(raw).not.toContain('|');
    expect(openEnvelope(raw)).toEqual({ kind: 'presence', origin: 'i', ...diff });
    const lua = `${presenceEnvelopeHead('i', 't|1')}[],["a\\u007cb","c"]]`;
    expect(lua).not.toContain('|');
    expect(openEnvelope(lua)).toEqual({
      kind: 'presence',
      origin: 'i',
      threadId: 't|1',
      joins: [],
      leaves: ['a|b', 'c'],
    });
    expect(openEnvelope('["presence",1,"i","t",[1],[]]')).toEqual({
      kind: 'ignored',
      label: 'presence',
    });
  });

  it('reads control kinds', () => {
    expect(openEnvelope(evictEnvelope('i', connectionId, 4100), true)).toEqual({
      kind: 'evict',
      origin: 'i',
      connectionId,
      code: 4100,
    });
    const request = { id: 'q1', op: 'disconnect-user', args: { userId: 'u|1' } };
    expect(openEnvelope(controlEnvelope('i', { request }), true)).toEqual({
      kind: 'request',
      origin: 'i',
      request,
    });
    const reply = { id: 'q1', result: 3 };
    expect(openEnvelope(controlEnvelope('i', { reply }), true)).toEqual({
      kind: 'reply',
      origin: 'i',
      reply,
    });
  });

  it('reads the 0.1 format as kind frame version 0, and 0.1 evictions', () => {
    const raw = `inst-1||${JSON.stringify({ type: 'message', thread: 't', from: null, data: 'x' })}`;
    expect(openEnvelope(raw)).toEqual({
      kind: 'frame',
      origin: 'inst-1',
      offset: '',
      frame: { type: 'message', thread: 't', from: null, data: 'x' },
    });
    expect(openEnvelope(raw.replace('||', '|17-3|'))).toMatchObject({
      kind: 'frame',
      offset: '17-3',
      frame: { offset: '17-3' },
    });
    const evict = `inst-1||${JSON.stringify({ type: 'evict', connectionId, code: 4100 })}`;
    expect(openEnvelope(evict, true)).toEqual({
      kind: 'evict',
      origin: 'inst-1',
      connectionId,
      code: 4100,
    });
  });

  it('ignores unknown kinds and versions with a bounded label, and garbage, never throwing', () => {
    const frame = encodeFrame({ type: 'message', from: null, data: 1 });
    expect(openEnvelope(`["frame",2,"i","",${frame}]`)).toEqual({
      kind: 'ignored',
      label: 'frame',
    });
    expect(openEnvelope(`["frame",0,"i","",${frame}]`)).toEqual({
      kind: 'ignored',
      label: 'frame',
    });
    expect(openEnvelope(`["typing",1,"i",{}]`)).toEqual({ kind: 'ignored', label: 'other' });
    expect(openEnvelope(`["presence",1,"i",{}]`)).toEqual({ kind: 'ignored', label: 'presence' });
    expect(openEnvelope(`["${'x'.repeat(500)}",1]`)).toEqual({ kind: 'ignored', label: 'other' });
    expect(openEnvelope(`["evict",1,"i",5,"x"]`, true)).toEqual({
      kind: 'ignored',
      label: 'evict',
    });
    expect(openEnvelope(`["request",1,"i",{"id":"x"}]`, true)).toEqual({
      kind: 'ignored',
      label: 'request',
    });
    expect(openEnvelope('[{"type":"message"}]')).toEqual({ kind: 'ignored', label: 'other' });
    for (const garbage of ['garbage', '[', '', 'a|b|{', 'a|b|null', 'i||{"type":"kick"}'])
      expect(openEnvelope(garbage, true)).toEqual({ kind: 'ignored', label: 'other' });
  });

  it("0.1's reader drops every message of the current format: no frame, no eviction, no throw", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (data, s) => {
        for (const raw of [...currentMessages(data), ...currentMessages(`${s}|${s}||`)]) {
          expect(legacy.openEnvelope(raw)).toBeUndefined();
          const evicted: string[] = [];
          legacy.control(raw, (c) => evicted.push(c));
          expect(evicted).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
