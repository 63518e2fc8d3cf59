import { describe, expect, it } from 'vitest';
import { answerReceive, credentialDigest, parseFrames, parseSeq } from './postAnswer.js';

describe('postAnswer', () => {
  it('parses X-Wsm-Seq as a positive safe integer', () => {
    expect(parseSeq('1')).toBe(1);
    expect(parseSeq(' 42 ')).toBe(42);
    for (const bad of [undefined, '', '0', '-1', '1.5', 'x', '01', '9007199254740993']) {
      expect(parseSeq(bad)).toBeUndefined();
    }
  });

  it('re-serializes each element of a JSON array, refuses other bodies', () => {
    expect(parseFrames('[{"type":"join","threadId":"t"}, 3]', 10)).toEqual([
      '{"type":"join","threadId":"t"}',
      '3',
    ]);
    expect(parseFrames('{"type":"join"}', 10)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'the body is not a JSON array' } },
    });
    expect(parseFrames('[', 10)).toEqual({
      status: 400,
      body: { error: { code: 'bad_request', message: 'the body is not JSON' } },
    });
    expect(parseFrames('[1,2,3]', 2)).toEqual({
      status: 413,
      body: { error: { code: 'too_large', message: 'more than 2 frames in one POST' } },
    });
  });

  it('maps each receive outcome to its status and body', () => {
    expect(answerReceive({ outcome: 'ok', expectedSeq: 3 }, 2)).toEqual({
      status: 200,
      body: { ok: true, seq: 2 },
    });
    expect(answerReceive({ outcome: 'duplicate' }, 2)).toEqual({
      status: 200,
      body: { ok: true, seq: 2, duplicate: true },
    });
    expect(answerReceive({ outcome: 'gap', expectedSeq: 2 }, 5)).toEqual({
      status: 409,
      body: {
        error: { code: 'seq_gap', message: 'a batch before this one is missing', expectedSeq: 2 },
      },
    });
    expect(answerReceive({ outcome: 'unknown' }, 1).status).toBe(404);
    expect(answerReceive({ outcome: 'unauthorized' }, 1)).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'wrong or missing secret' } },
    });
    expect(answerReceive({ outcome: 'no_answer' }, 1)).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: 'the owner instance did not answer' } },
      headers: { 'Retry-After': '1' },
    });
  });

  it('digests a secret as SHA-256 base64url', () => {
    expect(credentialDigest('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
