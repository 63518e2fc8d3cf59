import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { msgpackCodec } from './msgpack.js';

describe('msgpackCodec', () => {
  it('speaks wsm.v1.msgpack and round-trips frames without undefined fields', () => {
    const codec = msgpackCodec();
    expect(codec.name).toBe('wsm.v1.msgpack');
    const bytes = codec.encode({
      type: 'publish',
      thread: 't',
      data: { n: 1, list: [1, 'a'] },
      id: 3,
    });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decode(bytes as Uint8Array)).toEqual({
      type: 'publish',
      thread: 't',
      data: { n: 1, list: [1, 'a'] },
      id: 3,
    });
    expect(codec.decode(encode({ type: 'ack', id: 3, offset: '1-1' }))).toEqual({
      type: 'ack',
      id: 3,
      offset: '1-1',
    });
  });

  it('refuses text frames', () => {
    expect(() => msgpackCodec().decode('{"type":"ping"}')).toThrow(/text frame/);
  });
});
