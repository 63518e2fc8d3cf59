/** A {@link Receiver} that is a child process (`apiReceiver.ts`), asked over its control channel. */
import type { ServerHandle } from '../child.js';
import type { Collected, Receiver } from './receiver.js';

export function childReceiver(child: ServerHandle): Receiver {
  return {
    async expect(from, count) {
      await child.request('expect', { from, count });
    },
    async collect(waitMs) {
      const answer = await child.request('collect', { waitMs }, waitMs + 30_000);
      return answer.value as Collected;
    },
    close: () => child.stop(),
  };
}
