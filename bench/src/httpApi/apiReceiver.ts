/**
 * The HTTP API benchmark's receiving client as a child process of its own (the default), so the
 * runner's HTTP work never delays a frame's reading: {@link createReceiver} behind the control
 * channel (`servers/control.ts`) plus `expect` (`from`, `count`) and `collect` (`waitMs`).
 */
import { envNumber, serveControl } from '../servers/control.js';
import { createReceiver } from './receiver.js';

async function main(): Promise<void> {
  const port = envNumber('BENCH_SERVER_PORT', 0);
  if (port <= 0) throw new Error('BENCH_SERVER_PORT is not set');
  const receiver = await createReceiver(port);
  serveControl(0, () => receiver.close(), {
    expect: (command) => receiver.expect(Number(command.from), Number(command.count)),
    collect: (command) => receiver.collect(Number(command.waitMs)),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`http-api bench receiver failed: ${String(err)}\n`);
  process.exit(1);
});
