/**
 * The demo's entry: `pnpm demo` (from the repository root) runs this file. Reads the environment,
 * starts the server, prints where everything is, and drains on SIGTERM / SIGINT.
 */
import { CloseCode } from '@ws/core';
import { loadConfig } from './config.js';
import { startDemo } from './demo.js';

function banner(lines: readonly string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '!'.repeat(width + 4);
  return [rule, ...lines.map((l) => `! ${l.padEnd(width)} !`), rule].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.secretIsDefault) {
    console.warn(
      banner([
        'WARNING: DEMO_SECRET is not set: login tokens are signed with the PUBLIC development default.',
        'Anyone can forge a token for any user. Set DEMO_SECRET to a long random value outside development.',
      ]),
    );
  }
  const demo = await startDemo(config);
  const base = demo.publicUrl;
  const lines = [
    `ws-manager demo listening on port ${demo.port}`,
    `  mode:       ${demo.mode === 'redis' ? `redis (@ws/scaling-redis, prefix ${config.redisPrefix})` : 'embedded (one instance, no Redis)'}`,
    `  chat page:  ${base}/`,
    `  WebSocket:  ${demo.wsUrl}`,
    `  login:      POST ${base}/api/login {"user": NAME}  (development only: anyone may sign in under any name)`,
    `  dashboard:  ${base}/dashboard?token=<admin token>`,
    `  metrics:    ${base}/metrics  (Authorization: Bearer <admin token>)`,
    `  health:     ${base}/healthz  ${base}/readyz`,
    demo.apiUrl === undefined
      ? '  http api:   off (set API_KEYS to mount @ws/http-api at /api/v1)'
      : `  http api:   ${demo.apiUrl}  (${config.apiKeys.length} ${config.apiKeys.length === 1 ? 'key' : 'keys'} from API_KEYS, every scope; Authorization: Bearer <key>)`,
    `  heartbeat:  ${config.heartbeatPreset} preset`,
    `  admins:     ${config.adminUsers.size === 0 ? '(none: set ADMIN_USERS to allow ops:* threads)' : [...config.adminUsers].join(', ')}`,
  ];
  if (config.adminTokenGenerated) {
    lines.push(
      `  admin token (generated, shown once; set ADMIN_TOKEN to choose it): ${config.adminToken}`,
    );
  } else {
    lines.push('  admin token: from ADMIN_TOKEN');
  }
  if (demo.mode === 'redis' && config.allowedOrigins === undefined) {
    lines.push(
      "  note: set ALLOWED_ORIGINS to every instance's page origin so drained browsers may move between instances",
    );
  }
  console.log(lines.join('\n'));

  let signals = 0;
  const shutdown = (signal: string): void => {
    signals += 1;
    if (signals > 1) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    console.log(
      `${signal}: draining (clients get a reconnect hint, then ${CloseCode.serviceRestart})...`,
    );
    const force = setTimeout(() => {
      console.error('drain did not finish in 45 s: exiting');
      process.exit(1);
    }, 45_000);
    force.unref();
    demo.close({ drain: true }).then(
      () => {
        console.log('drained, bye');
        process.exit(0);
      },
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`demo failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
