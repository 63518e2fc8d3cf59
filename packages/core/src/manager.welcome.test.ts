import { describe, expect, it } from 'vitest';
import { isWsError } from './errors.js';
import { testManager } from './internal/testSupport.js';

describe('welcome fields', () => {
  it('carries the fields a plugin added, and expiresAt when the connection has one', async () => {
    const m = testManager();
    m.use({
      name: 'extra',
      setup: (ctx) => ctx.welcome({ heartbeat: { intervalMs: 1000, timeoutMs: 500 } }),
    });
    const expiresAt = Date.now() + 60_000;
    const a = await m.connect('alice', { expiresAt });
    expect(a.welcome()).toMatchObject({
      type: 'welcome',
      userId: 'alice',
      heartbeat: { intervalMs: 1000, timeoutMs: 500 },
      expiresAt,
    });
    // "type" stays the first field on the wire: clients (and the benchmark's) match that prefix.
    expect(Object.keys(a.welcome())[0]).toBe('type');
    const b = await m.connect('bob');
    expect(b.welcome().heartbeat).toEqual({ intervalMs: 1000, timeoutMs: 500 });
    expect('expiresAt' in b.welcome()).toBe(false);
    await m.close();
  });

  it('has no extra field without a plugin adding one', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    expect(Object.keys(a.welcome()).sort()).toEqual(
      ['connectionId', 'instanceId', 'restored', 'resumeToken', 'type', 'userId'].sort(),
    );
    await m.close();
  });

  it("refuses a core field, another plugin's field, or a non-object with invalid_options", async () => {
    const m = testManager();
    const codeOf = (fields: unknown): string | undefined => {
      try {
        m.use({ name: 'p', setup: (ctx) => ctx.welcome(fields as Record<string, unknown>) });
      } catch (err) {
        return isWsError(err) ? err.code : 'not a WsError';
      }
      return undefined;
    };
    expect(codeOf({ type: 'x' })).toBe('invalid_options');
    expect(codeOf({ resumeToken: 'x' })).toBe('invalid_options');
    expect(codeOf({ expiresAt: 1 })).toBe('invalid_options');
    expect(codeOf({ mine: 1 })).toBeUndefined();
    expect(codeOf({ mine: 2 })).toBe('invalid_options');
    expect(codeOf(null)).toBe('invalid_options');
    expect(codeOf([1])).toBe('invalid_options');
    const a = await m.connect('alice');
    expect(a.welcome()).toMatchObject({ type: 'welcome', mine: 1 });
    await m.close();
  });
});
