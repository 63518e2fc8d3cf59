import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, envelope, openEnvelope } from './envelope.js';

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

  it('carries origin and offset, and sets the offset into thread messages', () => {
    const raw = envelope('inst-1', { type: 'message', thread: 't', from: null, data: 'x' });
    expect(openEnvelope(raw)).toEqual({
      origin: 'inst-1',
      offset: '',
      frame: { type: 'message', thread: 't', from: null, data: 'x' },
    });
    const withOffset = raw.replace('||', '|17-3|');
    expect(openEnvelope(withOffset)?.frame).toEqual({
      type: 'message',
      thread: 't',
      from: null,
      data: 'x',
      offset: '17-3',
    });
    expect(openEnvelope('garbage')).toBeUndefined();
  });
});
