import { defineContract } from '@ws/core';
import { afterEach, describe, expect, it } from 'vitest';
import { customGate } from './customGate.js';
import { quality } from './quality.js';
import type { Harness } from './test/harness.js';
import { harness } from './test/harness.js';
import { schemaSets } from './test/schemas.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(schemaSets)('quality({ contract }) with $library schemas', (s) => {
  const contract = defineContract({
    threads: { 'chat:*': s.chat, 'ops:**': s.ops, 'num:*': s.asyncPositive },
    direct: s.chat,
  });

  it('checks inbound publish and direct data against the contract: invalid_message naming the path, nothing delivered; a valid one passes on', async () => {
    const seen: string[] = [];
    h = await harness({
      contract,
      inbound: [customGate(({ frame }) => void seen.push(frame.type), { name: 'after' })],
    });
    const alice = await h.connect('alice', ['chat:x', 'lobby', 'num:1']);
    const bob = await h.connect('bob', ['chat:x', 'num:1']);
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 7 }, id: 1 });
    await alice.send({ type: 'publish', thread: 'lobby', data: { text: 'hi' }, id: 2 });
    await alice.send({ type: 'direct', to: 'bob', data: { tags: 'x' }, id: 3 });
    await alice.send({ type: 'publish', thread: 'num:1', data: { n: -1 }, id: 4 });
    await alice.send({ type: 'publish', thread: 'chat:x', data: { text: 'hello' }, id: 5 });
    await alice.send({ type: 'direct', to: 'bob', data: { text: 'psst' }, id: 6 });
    await alice.send({ type: 'publish', thread: 'num:1', data: { n: 2 }, id: 7 });

    const errors = alice.frames().filter((f) => f.type === 'error');
    expect(errors.map((e) => [e.id, e.code])).toEqual([
      [1, 'invalid_message'],
      [2, 'invalid_message'],
      [3, 'invalid_message'],
      [4, 'invalid_message'],
    ]);
    const [bad, outside, direct, async] = errors.map((e) => e.message);
    expect(bad).toBe('invalid data for thread "chat:x": data.text: text must be a string');
    expect(outside).toBe('the contract has no schema for thread "lobby"');
    expect(direct).toContain('invalid data for a direct message: data.text');
    expect(async).toContain('invalid data for thread "num:1"');
    expect(bob.frames().filter((f) => f.type === 'message')).toEqual([
      expect.objectContaining({ thread: 'chat:x', data: { text: 'hello' } }),
      expect.objectContaining({ from: 'alice', data: { text: 'psst' } }),
      expect.objectContaining({ thread: 'num:1', data: { n: 2 } }),
    ]);
    // The contract gate runs first: the refused frames never reached the next gate.
    expect(seen).toEqual(['publish', 'direct', 'publish']);
    expect(h.q.metrics().inbound.rejected['contract']).toEqual({ invalid_message: 4 });
  });
});

describe('quality({ contract }) options', () => {
  it('refuses something that is not a contract', () => {
    expect(() => quality({ contract: { threads: {} } as never })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
