/** One variant of `bench:http-transport`: a fresh server, its clients, the paced and burst phases. */
import type { ChildRegistry, SpawnOptions } from '../child.js';
import { spawnServer } from '../child.js';
import type { ClientSet } from './clients.js';
import { connectClients } from './clients.js';
import type { Mode, PhaseFigures, Sizes, Transport } from './plan.js';
import { modes } from './plan.js';

const THREAD = 'fanout';

async function phase(
  o: { readonly clients: ClientSet; readonly sizes: Sizes; readonly count: number },
  server: Awaited<ReturnType<typeof spawnServer>>,
  mode: Mode,
  from: number,
): Promise<Omit<PhaseFigures, 'transport' | 'rep'>> {
  const { clients, sizes } = o;
  clients.reset();
  const expected = sizes.messages * o.count;
  const t0 = performance.now();
  await server.cpuStart();
  await server.request('fanout', { thread: THREAD, count: sizes.messages, mode }, 60_000);
  const deadline = Date.now() + sizes.deliverTimeoutMs;
  while (clients.received() < expected && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  const wallMs = performance.now() - t0;
  const cpu = await server.cpuStop();
  // Late arrivals of this phase would count as duplicates of nothing: let the pipes settle.
  await new Promise((r) => setTimeout(r, 200));
  const t = clients.tally(from, from + sizes.messages);
  return {
    mode,
    cpuUsPerDelivered: cpu.cpuUs / Math.max(1, t.received),
    delivered: t.received,
    expected,
    lost: expected - t.received,
    duplicates: t.duplicates,
    wallMs,
  };
}

/** Runs both phases of one transport in a fresh server; the figures of each phase. */
export async function runVariant(
  registry: ChildRegistry,
  spawn: SpawnOptions,
  v: { readonly transport: Transport; readonly rep: number; readonly sizes: Sizes },
): Promise<PhaseFigures[]> {
  const server = await spawnServer(registry, 'ours', spawn);
  let clients: ClientSet | undefined;
  try {
    clients = await connectClients(v.transport, {
      port: server.port,
      count: v.sizes.clients,
      thread: THREAD,
    });
    const out: PhaseFigures[] = [];
    let from = 0;
    for (const mode of modes) {
      const f = await phase(
        { clients, sizes: v.sizes, count: v.sizes.clients },
        server,
        mode,
        from,
      );
      from += v.sizes.messages;
      out.push({ ...f, transport: v.transport, rep: v.rep });
    }
    return out;
  } finally {
    clients?.close();
    await server.stop();
  }
}
