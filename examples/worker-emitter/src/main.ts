/**
 * `pnpm --filter example-worker-emitter start`: a job worker with no sockets and no HTTP. It
 * publishes MESSAGES progress messages over THREADS job threads to the deployment under
 * KEY_PREFIX on REDIS_URL, tells USER (when set) that the jobs are done, optionally revokes
 * REVOKE_USER on every instance, prints one `done {...}` line and exits (1 if anything failed).
 */
import { createEmitter } from '@ws/scaling-redis';
import { Redis } from 'ioredis';
import { runWorker } from './worker.js';

/** Runs the worker once; resolves the exit code. */
async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const redis = new Redis(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  const emitter = createEmitter({
    redis,
    keyPrefix: env['KEY_PREFIX'] ?? 'worker-demo:',
    // Use the instances' history settings: whoever appends last trims the thread's stream.
    historyMaxLen: Number(env['HISTORY_MAX_LEN'] ?? 256),
    commandTimeoutMs: Number(env['COMMAND_TIMEOUT_MS'] ?? 2000),
  });

  const report = await runWorker({
    emitter,
    threads: Number(env['THREADS'] ?? 10),
    messages: Number(env['MESSAGES'] ?? 100),
  });
  const user = env['USER_ID'];
  const told = user === undefined ? undefined : await emitter.sendToUser(user, { jobsDone: true });
  const revokeUser = env['REVOKE_USER'];
  const revoked =
    revokeUser === undefined
      ? undefined
      : await emitter.disconnectUser(revokeUser, { reason: 'job revoked' });
  console.log(`done ${JSON.stringify({ ...report, told, revoked })}`);
  await emitter.close();
  redis.disconnect();
  return report.failed === 0 && revoked?.error === undefined ? 0 : 1;
}

process.exitCode = await main(process.env);
