import { CloseCode } from '../closeCodes.js';
import type { InstanceInfo } from '../cluster.js';
import { reconnectFrame } from '../frames.js';
import { closeRecord } from './records.js';
import type { ManagerState } from './state.js';
import { sendControl } from './writing.js';

/**
 * Drains every connection: a `reconnect` frame naming a live peer's URL (round-robin over the
 * peers, with a spread `afterMs` so clients don't return all at once), then a 1012 close, at
 * `drain.ratePerSecond`; whatever is left at the deadline is closed at once.
 */
export async function drainAll(state: ManagerState, timeoutMs: number): Promise<void> {
  const { clock, limits } = state;
  let peers: InstanceInfo[] = [];
  try {
    peers = (await state.cluster.instances()).filter(
      (i) => !i.self && i.url !== undefined && i.state !== 'draining',
    );
  } catch (err) {
    state.reportError(err, 'drain-peers');
  }
  const deadline = clock.now() + timeoutMs;
  const tickMs = 100;
  const perTick = Math.max(1, Math.ceil((limits.drain.ratePerSecond * tickMs) / 1000));
  let next = 0;
  const closeOne = () => {
    const rec = state.connections.values().next().value;
    if (rec === undefined) return false;
    const peer = peers.length === 0 ? undefined : peers[next++ % peers.length];
    const afterMs = Math.floor(Math.random() * (limits.drain.spreadMs + 1));
    sendControl(state, rec, reconnectFrame(peer?.url, afterMs));
    closeRecord(state, rec, { code: CloseCode.serviceRestart, reason: 'draining' });
    return true;
  };
  while (state.connections.size > 0) {
    if (clock.now() >= deadline) {
      while (closeOne());
      break;
    }
    for (let i = 0; i < perTick; i++) if (!closeOne()) break;
    if (state.connections.size === 0) break;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, tickMs));
  }
}
