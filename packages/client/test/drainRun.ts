/** The drain scenario of the multi-instance tests: B publishes while A drains. */
import { sleep } from '@ws/testkit';
import type { RealServer } from './server.js';

/**
 * Publishes 1..`count` to `thread` from `b`, 5 ms apart, and starts `a`'s drain after the 30th;
 * resolves once every send was accepted and the drain finished. Throws on a failed send.
 */
export async function publishThroughDrain(
  a: RealServer,
  b: RealServer,
  thread: string,
  count: number,
): Promise<void> {
  let draining: Promise<void> | undefined;
  for (let n = 1; n <= count; n++) {
    const result = await b.manager.sendToThread(thread as never, n);
    if (result.error !== undefined) throw new Error(`send ${n} failed: ${result.error.message}`);
    if (n === 30) draining = a.close({ drain: true });
    await sleep(5);
  }
  await draining;
}
