/**
 * The newcomer's path: `pnpm demo` from the repository root with no Redis and no configuration
 * but a port, exactly the command the README gives. The page, its script and the health routes
 * answer, and the startup log says what a newcomer needs to know.
 */
import { freePort } from '@ws/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnDemo } from '../test/processes.js';
import type { DemoProcess } from '../test/processes.js';

let demo: DemoProcess | undefined;

beforeAll(async () => {
  const port = await freePort();
  demo = await spawnDemo({
    port,
    command: ['pnpm', 'demo'],
    cwd: REPO_ROOT,
    // Its own process group, so afterAll stops pnpm and the node process under it together.
    group: true,
    env: {
      PORT: String(port),
      REDIS_URL: undefined,
      DEMO_SECRET: undefined,
      ADMIN_TOKEN: undefined,
      ADMIN_USERS: undefined,
      PUBLIC_URL: undefined,
      ALLOWED_ORIGINS: undefined,
      HEARTBEAT_PRESET: undefined,
    },
  });
});
afterAll(async () => {
  await demo?.stop('SIGTERM');
});

describe('pnpm demo (embedded, no Redis)', () => {
  it('serves the chat page and its bundled script', async () => {
    const page = await fetch(`${demo?.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ws-manager demo chat</title>');
    const script = await fetch(`${demo?.url}/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${demo?.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${demo?.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', state: 'running' });
  });

  it('logs the mode, the URLs, the admin token, and that the login is for development only', async () => {
    const out = demo?.output() ?? '';
    expect(out).toContain('mode:       embedded (one instance, no Redis)');
    expect(out).toContain(`chat page:  http://localhost:${demo?.port}/`);
    expect(out).toContain(`WebSocket:  ws://localhost:${demo?.port}/ws`);
    expect(out).toContain('development only: anyone may sign in under any name');
    expect(out).toContain('WARNING: DEMO_SECRET is not set');
    const token = /admin token \(generated, shown once; set ADMIN_TOKEN to choose it\): (\S+)/.exec(
      out,
    )?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await fetch(`${demo?.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${demo?.url}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ws_connections');
    const login = await fetch(`${demo?.url}/api/login`, {
      method: 'POST',
      body: '{"user":"newcomer"}',
    });
    expect(login.status).toBe(200);
  });
});
