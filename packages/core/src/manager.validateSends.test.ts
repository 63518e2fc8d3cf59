import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from './contract.js';
import { connectionId, threadId, userId } from './ids.js';
import { testManager } from './internal/testSupport.js';
import type { StandardSchemaV1 } from './standardSchema.js';

const contract = defineContract({
  threads: { 'chat:*': z.object({ text: z.string().max(10) }) },
  direct: z.object({ note: z.string() }),
});

/** A schema that answers asynchronously (as a database-backed one would). */
const slowText: StandardSchemaV1<{ text: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: async (value) => {
      await new Promise((r) => setTimeout(r, 5));
      const text = (value as { text?: unknown } | null)?.text;
      return typeof text === 'string'
        ? { value: { text } }
        : { issues: [{ message: 'Expected string', path: ['text'] }] };
    },
  },
};

describe('validateSends', () => {
  it('refuses a server send whose data its schema refuses: a failed SendResult with invalid_message naming the path, sent to nobody', async () => {
    const m = testManager({ contract, validateSends: true });
    const a = await m.connect('alice');
    await m.joinThread(a.id, threadId('chat:1'));
    const before = a.after().length;

    const bad = await m.sendToThread(threadId('chat:1'), { text: 42 });
    expect(bad).toMatchObject({ ok: false, delivered: 0, published: false });
    expect(bad.error?.code).toBe('invalid_message');
    expect(bad.error?.message).toContain('data.text');
    expect(bad.error?.message).toContain('chat:1');

    const outside = await m.sendToThread(threadId('lobby'), { text: 'hi' });
    expect(outside.error?.code).toBe('invalid_message');
    expect(outside.error?.message).toContain('no schema for thread "lobby"');

    for (const send of [
      () => m.sendToUser(userId('alice'), { note: 7 }),
      () => m.sendToConnection(connectionId(a.id), { nope: true }),
      () => m.broadcast('just a string'),
    ]) {
      const r = await send();
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('invalid_message');
      expect(r.error?.message).toContain('direct message');
    }
    expect(a.after()).toHaveLength(before);

    expect(await m.sendToThread(threadId('chat:1'), { text: 'hello' })).toMatchObject({
      ok: true,
      delivered: 1,
    });
    expect(await m.sendToUser(userId('alice'), { note: 'n' })).toMatchObject({
      ok: true,
      delivered: 1,
    });
    // The thread's first offset: the refused sends took none.
    const first = expect.stringMatching(/-1$/) as unknown;
    expect(a.after().slice(before)).toEqual([
      { type: 'message', thread: 'chat:1', from: null, data: { text: 'hello' }, offset: first },
      { type: 'message', from: null, data: { note: 'n' } },
    ]);
    await m.close();
  });

  it('waits for an asynchronous schema, and refuses a direct send when the contract has no direct schema', async () => {
    const m = testManager({
      contract: defineContract({ threads: { 'room:*': slowText } }),
      validateSends: true,
    });
    const a = await m.connect('alice');
    await m.joinThread(a.id, threadId('room:1'));
    const bad = await m.sendToThread(threadId('room:1'), { text: null });
    expect(bad.error?.message).toContain('data.text: Expected string');
    expect((await m.sendToThread(threadId('room:1'), { text: 'ok' })).delivered).toBe(1);
    const direct = await m.sendToUser(userId('alice'), { note: 'n' });
    expect(direct.error?.code).toBe('invalid_message');
    expect(direct.error?.message).toBe('the contract has no schema for direct messages');
    await m.close();
  });

  it('is off by default: with a contract alone, sends are not checked', async () => {
    const m = testManager({ contract });
    const a = await m.connect('alice');
    await m.joinThread(a.id, threadId('chat:1'));
    expect((await m.sendToThread(threadId('chat:1'), { text: 42 })).delivered).toBe(1);
    expect((await m.sendToUser(userId('alice'), 'anything')).delivered).toBe(1);
    await m.close();
  });

  it('needs a contract: validateSends alone is invalid_options', () => {
    expect(() => testManager({ validateSends: true })).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        message: expect.stringContaining('contract'),
      }),
    );
  });
});
