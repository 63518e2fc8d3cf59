import { describe, expect, it } from 'vitest';
import { waitFor } from './waitFor.js';

describe('waitFor', () => {
  it('resolves with the first truthy value, sync or async', async () => {
    let n = 0;
    await expect(waitFor(() => ++n >= 3 && n)).resolves.toBe(3);
    let m = 0;
    await expect(waitFor(async () => (++m === 2 ? 'ready' : undefined))).resolves.toBe('ready');
    await expect(waitFor(() => true)).resolves.toBe(true);
  });

  it('throws at the deadline, naming the wait and the timeout', async () => {
    const t0 = performance.now();
    await expect(waitFor(() => false, { timeoutMs: 120, message: 'the moon' })).rejects.toThrow(
      'timed out after 120 ms waiting for the moon',
    );
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(115);
    expect(took).toBeLessThan(2000);
    await expect(waitFor(() => 0, { timeoutMs: 20 })).rejects.toThrow(
      'timed out after 20 ms waiting for the condition',
    );
  });

  it('builds a message function only on timeout, with the state at that moment', async () => {
    let calls = 0;
    let seen = 0;
    const message = (): string => {
      calls++;
      return `seen ${seen}`;
    };
    await expect(waitFor(() => ++seen > 2, { message })).resolves.toBe(true);
    expect(calls).toBe(0);
    await expect(waitFor(() => (seen++, false), { timeoutMs: 30, message })).rejects.toThrow(
      /waiting for seen \d+$/,
    );
    expect(calls).toBe(1);
  });

  it('checks once more at the deadline (a condition met during the last pause counts)', async () => {
    const start = performance.now();
    const value = await waitFor(() => performance.now() - start >= 100, {
      timeoutMs: 100,
      intervalMs: 1000,
    });
    expect(value).toBe(true);
  });

  it('polls every intervalMs', async () => {
    let calls = 0;
    await expect(
      waitFor(() => (calls++, false), { timeoutMs: 200, intervalMs: 50 }),
    ).rejects.toThrow();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(6);
  });

  it('lets an error of the predicate through at once', async () => {
    const t0 = performance.now();
    await expect(
      waitFor(
        () => {
          throw new Error('broken check');
        },
        { timeoutMs: 5000 },
      ),
    ).rejects.toThrow('broken check');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
