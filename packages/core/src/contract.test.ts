import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from './contract.js';
import type { ContractCheck } from './contractTypes.js';
import { isWsError } from './errors.js';
import type { StandardSchemaV1 } from './standardSchema.js';

const text = z.object({ text: z.string() });

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (isWsError(err) && err.code === 'invalid_options') return err.message;
    throw err;
  }
  throw new Error('accepted');
}

/** A schema by hand: accepts numbers, asynchronously when `async`. */
function numberSchema(async: boolean): StandardSchemaV1<number> {
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => {
        const result: StandardSchemaV1.Result<number> =
          typeof value === 'number' ? { value } : { issues: [{ message: 'not a number' }] };
        return async ? Promise.resolve(result) : result;
      },
    },
  };
}

describe('defineContract refuses', () => {
  it('an unknown key, naming the nearest', () => {
    const message = refusal(() => defineContract({ thread: {} } as never));
    expect(message).toContain('`thread`');
    expect(message).toContain('did you mean `threads`?');
  });

  it('overlapping globs, naming both and a thread id both match', () => {
    const message = refusal(() => defineContract({ threads: { 'chat:*': text, 'chat:**': text } }));
    expect(message).toContain('"chat:*"');
    expect(message).toContain('"chat:**"');
    expect(message).toMatch(/both match "chat:[^"]+"/);
    expect(refusal(() => defineContract({ threads: { 'a:*': text, '*:b': text } }))).toContain(
      '"a:b"',
    );
  });

  it('a bad glob, naming it', () => {
    expect(refusal(() => defineContract({ threads: { 'chat:{id}': text } }))).toContain(
      '"chat:{id}"',
    );
    expect(refusal(() => defineContract({ threads: { 'a:***': text } }))).toContain('"a:***"');
  });

  it('values that are not Standard Schemas', () => {
    expect(
      refusal(() => defineContract({ threads: { 'chat:*': { parse() {} } as never } })),
    ).toContain('threads["chat:*"] is not a Standard Schema');
    expect(refusal(() => defineContract({ direct: {} as never }))).toContain('`direct`');
    expect(refusal(() => defineContract({ threads: [text] as never }))).toContain('`threads`');
  });

  it('a contract with nothing in it', () => {
    expect(refusal(() => defineContract({}))).toContain('give `threads` or `direct`');
    expect(refusal(() => defineContract({ threads: {} }))).toContain('give `threads` or `direct`');
    expect(refusal(() => defineContract(undefined as never))).toContain('give');
    expect(refusal(() => defineContract(3 as never))).toContain('must be an object');
  });
});

describe('a contract', () => {
  const contract = defineContract({
    threads: {
      'chat:*': z.object({ text: z.string(), items: z.array(z.object({ name: z.string() })) }),
      'chat:*:typing': z.boolean(),
      lobby: z.string().transform((s) => s.length),
    },
    direct: z.object({ to: z.string() }),
  });

  it('is a frozen descriptor with the globs in order', () => {
    expect(Object.isFrozen(contract)).toBe(true);
    expect(Object.isFrozen(contract.threads)).toBe(true);
    expect(contract.threads.map((t) => t.pattern)).toEqual(['chat:*', 'chat:*:typing', 'lobby']);
    expect(Object.isFrozen(contract.threads[0])).toBe(true);
    expect(contract.direct).toBeDefined();
  });

  it('finds the one schema of a thread', () => {
    expect(contract.schemaFor('chat:1')).toBe(contract.threads[0]?.schema);
    expect(contract.schemaFor('chat:1:typing')).toBe(contract.threads[1]?.schema);
    expect(contract.schemaFor('chat:1:x')).toBeUndefined();
    expect(contract.schemaFor('not a thread')).toBeUndefined();
  });

  it('passes valid data, with the schema output', () => {
    expect(contract.check('chat:1', { text: 'hi', items: [] })).toEqual({
      ok: true,
      value: { text: 'hi', items: [] },
    });
    expect(contract.check('lobby', 'four')).toEqual({ ok: true, value: 4 });
    expect(contract.check(undefined, { to: 'bob' })).toMatchObject({ ok: true });
  });

  it('names the path of each issue, from the frame root', () => {
    const result = contract.check('chat:1', { text: 1, items: [{ name: 2 }] }) as ContractCheck;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid');
    expect(result.issues.map((i) => i.path)).toEqual(['data.text', 'data.items[0].name']);
    expect(result.message).toMatch(/^invalid data for thread "chat:1": data\.text: /);
    expect(result.message).toContain('; data.items[0].name: ');
    const root = contract.check('chat:1:typing', 'yes') as ContractCheck;
    expect(root).toMatchObject({ ok: false, issues: [{ path: 'data' }] });
    const direct = contract.check(undefined, {}) as ContractCheck;
    expect(direct).toMatchObject({ ok: false, issues: [{ path: 'data.to' }] });
    if (!direct.ok) expect(direct.message).toMatch(/^invalid data for a direct message: data\.to/);
  });

  it('lists three issues, counts the rest and stays short', () => {
    const many = defineContract({
      threads: {
        '**': z.object({
          a: z.string(),
          b: z.string(),
          c: z.string(),
          d: z.string(),
          e: z.string(),
        }),
      },
    });
    const result = many.check('x', {}) as ContractCheck;
    if (result.ok) throw new Error('passed');
    expect(result.issues).toHaveLength(5);
    expect(result.message).toMatch(/ \(\+2 more\)$/);
    expect(result.message.length).toBeLessThanOrEqual(200);
    const long = defineContract({ direct: z.string().min(1000, 'x'.repeat(500)) });
    const cut = long.check(undefined, 'a') as ContractCheck;
    if (cut.ok) throw new Error('passed');
    expect(cut.message.length).toBeLessThanOrEqual(200);
    expect(cut.issues[0]?.message).toHaveLength(500);
  });

  it('says when the contract has no schema', () => {
    expect(contract.check('dm:1', {})).toMatchObject({
      ok: false,
      reason: 'unmatched',
      issues: [],
      message: 'the contract has no schema for thread "dm:1"',
    });
    const threadsOnly = defineContract({ threads: { 'chat:*': text } });
    expect(threadsOnly.direct).toBeUndefined();
    expect(threadsOnly.check(undefined, {})).toMatchObject({
      ok: false,
      reason: 'unmatched',
      message: 'the contract has no schema for direct messages',
    });
  });

  it('answers synchronously for a sync schema and with a promise for an async one', async () => {
    const sync = defineContract({ direct: numberSchema(false) });
    expect(sync.check(undefined, 1)).toEqual({ ok: true, value: 1 });
    const async = defineContract({ direct: numberSchema(true) });
    const pending = async.check(undefined, 'x');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).resolves.toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('works with valibot and arktype schemas too', () => {
    const c = defineContract({
      threads: {
        'v:*': v.object({ n: v.number() }),
        'a:*': type({ n: 'number' }),
      },
    });
    expect(c.check('v:1', { n: 1 })).toMatchObject({ ok: true });
    expect(c.check('v:1', { n: 'x' })).toMatchObject({ ok: false, issues: [{ path: 'data.n' }] });
    expect(c.check('a:1', { n: 1 })).toMatchObject({ ok: true });
    expect(c.check('a:1', { n: 'x' })).toMatchObject({ ok: false, issues: [{ path: 'data.n' }] });
  });
});
