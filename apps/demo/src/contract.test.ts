import { createManager, userId } from '@ws/core';
import { quality } from '@ws/quality';
import { describe, expect, it } from 'vitest';
import { chatMessageProblem, contract } from './contract.js';
import { buildWebBundle } from './webBundle.js';

const ok = (thread: string | undefined, data: unknown): boolean => {
  const check = contract.check(thread, data);
  if (check instanceof Promise) throw new Error('the contract checked asynchronously');
  return check.ok;
};

describe('the demo contract', () => {
  it('takes chat messages in rooms, private threads, ops threads and direct messages', () => {
    for (const thread of ['lobby', 'news', 'dm:alice:bob', 'ops:quality', 'ops:a:b', undefined])
      expect(ok(thread, { text: 'hi' }), String(thread)).toBe(true);
    expect(ok('lobby', { text: '' })).toBe(false);
    expect(ok('lobby', { text: 'x'.repeat(2001) })).toBe(false);
    expect(ok(undefined, 'hi')).toBe(false);
  });

  it("takes @ws/quality's alerts and updates in ops threads only", () => {
    const alert = { kind: 'quality:alert', alert: 'reject_rate', state: 'firing', value: 0.5 };
    expect(ok('ops:quality', alert)).toBe(true);
    expect(ok('ops:quality', { kind: 'quality:update', at: 1 })).toBe(true);
    expect(ok('ops:quality', { kind: 'other' })).toBe(false);
    expect(ok('lobby', alert)).toBe(false);
    expect(ok(undefined, alert)).toBe(false);
  });

  it("lets a checking manager post @ws/quality's own messages to ops:quality", async () => {
    const manager = createManager({ contract, validateSends: true, authorizeThread: () => true });
    try {
      const q = manager.use(quality({ contract, operatorsThread: 'ops:quality' }));
      expect(await q.broadcastQualityUpdate()).toMatchObject({ ok: true });
      const alert = { alert: 'reject_rate', state: 'firing', at: 1, value: 0.5 } as const;
      const fired = await q.broadcastQualityAlert({ ...alert, threshold: 0.05, windowMs: 30_000 });
      expect(fired).toMatchObject({ ok: true });
      // The same manager refuses a send outside the contract.
      const refused = await manager.sendToUser(userId('bob'), { text: '' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    } finally {
      await manager.close();
    }
  });

  it('has no schema for threads outside its globs', () => {
    const check = contract.check('team:x', { text: 'hi' });
    expect(check).toMatchObject({ ok: false, reason: 'unmatched' });
    expect(ok('dm:alice', { text: 'hi' })).toBe(false);
  });

  it("words the HTTP API's refusals as before, naming the path", () => {
    expect(chatMessageProblem({ text: 'hi' })).toBeUndefined();
    expect(chatMessageProblem({ text: '' })).toMatch(
      /^data must be \{"text": 1-2000 characters\}; data\.text: Too small/,
    );
    expect(chatMessageProblem('just a string')).toMatch(/; data: /);
  });

  it("stays out of the page's bundle: the page imports only its type", async () => {
    const script = await buildWebBundle();
    for (const marker of ['defineContract', 'ZodObject', 'invalid data for'])
      expect(script.includes(marker), marker).toBe(false);
  });
});
