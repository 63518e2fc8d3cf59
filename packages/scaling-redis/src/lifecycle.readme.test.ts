import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { lifecycleStream } from './lifecycleStream.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

const PKG = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(PKG, '../..');
// Inside the package (gitignored), so the Node consumer resolves the package's ioredis.
const DIR = path.join(PKG, 'test-artifacts', 'lifecycle-readme');

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await createRedisServer();
  redis = new Redis({ port: server.port, host: '127.0.0.1' });
  await mkdir(DIR, { recursive: true });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
  await rm(DIR, { recursive: true, force: true });
});

/** A fenced block of the README's "Lifecycle events for backends" section. */
async function readmeBlock(lang: 'ts' | 'python'): Promise<string> {
  const readme = await readFile(path.join(PKG, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Lifecycle events for backends'));
  const code = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1];
  if (code === undefined) throw new Error(`the lifecycle section has no ${lang} block`);
  return code;
}

/** The block pointed at this test's Redis and stream instead of the example's. */
function localized(code: string, key: string): string {
  const out = code.replaceAll("'chat-prod:lifecycle'", `'${key}'`);
  expect(out).not.toBe(code);
  return out;
}

/** Writes two connections' events (and one entry twice, as a retried write would). */
async function writeEvents(prefix: string): Promise<string[]> {
  const node = createNode(server.port, prefix, {
    instanceId: 'lc-readme',
    adapter: { lifecycle: lifecycleStream({ stream: 'lc' }) },
  });
  const key = `${prefix}lc`;
  for (const user of ['alice', 'bob']) (await connect(node.manager, user)).client.close(1000);
  expect(await waitFor(async () => (await redis.xlen(key)) === 4, { timeoutMs: 5000 })).toBe(true);
  await node.close();
  const [first] = (await redis.xrange(key, '-', '+', 'COUNT', 1)) as [string, string[]][];
  await redis.xadd(key, '*', ...(first?.[1] ?? []));
  const ids = ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(
    ([, f]) => f[f.indexOf('id') + 1] ?? '',
  );
  return [...new Set(ids)];
}

/** Runs a consumer until it printed `n` lines and the group has nothing pending, then kills it. */
async function consume(command: string, args: readonly string[], n: number, key: string) {
  const child = spawn(command, args, { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const pending = async (): Promise<number> =>
      Number(((await redis.xpending(key, 'billing')) as [number])[0]);
    const done = await waitFor(
      async () => out.trim().split('\n').length >= n && (await pending()) === 0,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(done, `${command} consumer: out=${out} err=${err}`).toBe(true);
    return out.trim().split('\n');
  } finally {
    child.kill('SIGKILL');
  }
}

describe("the README's lifecycle consumers", () => {
  it('Python (standard library, raw RESP): every event handled once by id, every entry acknowledged', async () => {
    const prefix = uniquePrefix('lc-py');
    const key = `${prefix}lc`;
    const ids = await writeEvents(prefix);
    expect(ids).toHaveLength(4);
    const code = localized(await readmeBlock('python'), key).replace(
      "('127.0.0.1', 6379)",
      `('127.0.0.1', ${server.port})`,
    );
    const file = path.join(DIR, 'consumer.py');
    await writeFile(file, `def handle(e):\n    print(e['id'], flush=True)\n\n${code}`);
    const handled = await consume('python3', [file], ids.length, key);
    expect(handled.sort()).toEqual([...ids].sort());
  });

  it('Node (ioredis): compiles under strict settings, and handles every event once by id', async () => {
    const prefix = uniquePrefix('lc-node');
    const key = `${prefix}lc`;
    const ids = await writeEvents(prefix);
    const code = localized(await readmeBlock('ts'), key).replace(
      'new Redis()',
      `new Redis({ port: ${server.port}, host: '127.0.0.1' })`,
    );
    const file = path.join(DIR, 'consumer.ts');
    const handle =
      "function handle(e: Record<string, string | undefined>): void {\n  console.log(e['id']);\n}\n";
    await writeFile(file, `${code}\n${handle}`);
    const strict = [
      '--strict',
      '--noUncheckedIndexedAccess',
      '--noPropertyAccessFromIndexSignature',
    ];
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    const opts = ['--noEmit', '--skipLibCheck', '--module', 'nodenext', '--target', 'es2022'];
    const compiled = await new Promise<string>((resolve) =>
      execFile(tsc, [...opts, ...strict, '--types', 'node', file], { cwd: PKG }, (e, stdout) =>
        resolve(e === null ? '' : stdout || e.message),
      ),
    );
    expect(compiled).toBe('');
    const handled = await consume(process.execPath, ['--import', 'tsx', file], ids.length, key);
    expect(handled.sort()).toEqual([...ids].sort());
  });
});
