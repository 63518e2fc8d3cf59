// A Redis adapter in its own process with presence entries, for the presence SIGKILL test.
// argv: <redis port, or the Redis Cluster's ports joined by commas> <key prefix> <instance id>
// <heartbeat ms>
import { presenceNode } from './presenceNode.js';

const [port, prefix, instanceId, heartbeatMs] = process.argv.slice(2);
const ports = (port as string).split(',').map(Number);
const node = await presenceNode(
  ports.length === 1 ? (ports[0] as number) : ports,
  prefix as string,
  {
    instanceId: instanceId as string,
    adapter: { heartbeatMs: Number(heartbeatMs) },
  },
);
for (let i = 0; i < 10; i++) {
  await node.join(`u${i}`, 'k1', `c${i}`);
  // Two tabs of u0: still one member, and one leave when the instance dies.
  if (i === 0) await node.join('u0', 'k1', 'c0-tab2');
  if (i < 5) await node.join(`u${i}`, 'k2', `c${i}`);
}
await node.join('shared', 'k1', 'c-shared');
process.stdout.write('ready\n');
// Stay alive until killed (bounded: a minute at most).
setTimeout(() => process.exit(0), 60_000);
