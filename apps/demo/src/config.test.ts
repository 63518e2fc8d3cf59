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
    expect(c.apiKeys).toEqual([]);
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

  it('reads API_KEYS as keys named api-1, api-2, ... and refuses a bad key without printing it', () => {
    const one = 'first-key-0123456789';
    const two = 'second-key-0123456789';
    expect(loadConfig({ API_KEYS: ` ${one} ,${two},` }).apiKeys).toEqual([
      { name: 'api-1', key: one },
      { name: 'api-2', key: two },
    ]);
    expect(loadConfig({ API_KEYS: ' , ' }).apiKeys).toEqual([]);
    const refusals: [string, RegExp][] = [
      [`${one},short-secret`, /^API_KEYS: key api-2 is 12 characters long; .* at least 16$/],
      [`${one},hidden secret-0123456789`, /^API_KEYS: key api-2 contains white space$/],
      [`${one},${two},${one}`, /^API_KEYS: keys api-1 and api-3 are the same$/],
    ];
    for (const [value, message] of refusals) {
      let error: unknown;
      try {
        loadConfig({ API_KEYS: value });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(Error);
      const text = (error as Error).message;
      expect(text).toMatch(message);
      for (const secret of value.split(',')) expect(text).not.toContain(secret);
    }
  });
});
