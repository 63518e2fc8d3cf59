import { optionRefusal as refusal, untouchable } from '@ws/testkit';
import { describe, expect, it } from 'vitest';
import { createCodec } from './codecs.js';
import { createLegacyCodec } from './legacyCodec.js';
import { createMsgpackCodec } from './msgpackCodec.js';
import type { WhatwgWebSocket } from './whatwgSocket.js';
import { wrapWhatwgSocket } from './whatwgSocket.js';
import { createWsAdapter } from './ws/wsSocket.js';

describe('protocols factories refuse unknown option keys', () => {
  it('createWsAdapter names the key and the nearest known one', () => {
    const msg = refusal(() => createWsAdapter({ coalesceWrite: true } as never));
    expect(msg).toContain('`coalesceWrite`');
    expect(msg).toContain('did you mean `coalesceWrites`?');
  });

  it('createCodec checks its context, whatever the subprotocol', () => {
    for (const sub of ['wsm.v1.json', 'wsm.v1.msgpack', 'legacy.json'] as const) {
      const msg = refusal(() => createCodec(sub, { maxDeph: 4 } as never));
      expect(msg).toContain('did you mean `maxDepth`?');
    }
  });

  it('createLegacyCodec and createMsgpackCodec name the nearest key', () => {
    expect(refusal(() => createLegacyCodec({ clientVerson: '1.0' } as never))).toContain(
      'did you mean `clientVersion`?',
    );
    expect(refusal(() => createMsgpackCodec({ names: 'x' } as never))).toContain(
      'did you mean `name`?',
    );
  });

  it('wrapWhatwgSocket refuses before it touches the socket', () => {
    const msg = refusal(() =>
      wrapWhatwgSocket(untouchable<WhatwgWebSocket>('socket'), { textonly: true } as never),
    );
    expect(msg).toContain('did you mean `textOnly`?');
  });

  it('a key far from every known one lists the known keys instead', () => {
    const msg = refusal(() => createWsAdapter({ somethingElse: 1 } as never));
    expect(msg).toContain('known options: `coalesceWrites`');
  });

  it('known keys and no options at all are accepted', () => {
    expect(refusal(() => createWsAdapter())).toBe('accepted');
    expect(refusal(() => createWsAdapter({ coalesceWrites: false }))).toBe('accepted');
    expect(refusal(() => createMsgpackCodec({ maxDepth: 8 }))).toBe('accepted');
  });
});
