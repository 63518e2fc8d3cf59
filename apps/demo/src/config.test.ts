import { describe, expect, it } from 'vitest';
import { DEV_SECRET, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults: port 3000, embedded, development secret flagged, admin token generated', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.redisUrl).toBeUndefined();
    expect(c.secret).toBe(DEV_SECRET);
    expect(c.secretIsDefault).toBe(true);
    expect(c.adminTokenGenerated).toBe(true);
    expect(c.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(loadConfig({}).adminToken).not.toBe(c.adminToken);
    expect(c.heartbeatPreset).toBe('production');
    expect(c.allowedOrigins).toBeUndefined();
    expect([...c.adminUsers]).toEqual([]);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '4000',
      REDIS_URL: 'redis://127.0.0.1:7000',
      PUBLIC_URL: 'https://chat.example.com/',
      DEMO_SECRET: 'shh',
      ADMIN_TOKEN: 'a'.repeat(16),
      ADMIN_USERS: 'alice, root ,',
      ALLOWED_ORIGINS: 'http://a:1,http://b:2',
      HEARTBEAT_PRESET: 'development',
    });
    expect(c).toMatchObject({
      port: 4000,
      redisUrl: 'redis://127.0.0.1:7000',
      publicUrl: 'https://chat.example.com',
      secret: 'shh',
      secretIsDefault: false,
      adminToken: 'aaaaaaaaaaaaaaaa',
      adminTokenGenerated: false,
      allowedOrigins: ['http://a:1', 'http://b:2'],
      heartbeatPreset: 'development',
    });
    expect([...c.adminUsers]).toEqual(['alice', 'root']);
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ HEARTBEAT_PRESET: 'fast' })).toThrow(/HEARTBEAT_PRESET/);
  });
});
