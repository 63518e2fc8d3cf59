import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId, userId } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApi } from './test/apiServer.js';
import { startApi, testKeys } from './test/apiServer.js';

const open: TestApi[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The README's Python publisher, as a file. */
async function readmePublisher(): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```python\n([\s\S]*?)```/.exec(readme)?.[1];
  if (code === undefined) throw new Error('the README has no python block');
  const dir = await mkdtemp(join(tmpdir(), 'http-api-readme-'));
  dirs.push(dir);
  const file = join(dir, 'publish.py');
  await writeFile(file, code);
  return file;
}

/** Runs python3 (the machine's) on the script; answers its exit code and output. */
function runPython(
  file: string,
  args: readonly string[],
  key: string,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [file, ...args],
      { env: { ...process.env, API_KEY: key }, timeout: 20_000 },
      (err, stdout) => {
        if (err !== null && typeof err.code !== 'number') {
          reject(
            new Error(
              `python3 could not run (install it: apt-get install python3): ${err.message}`,
            ),
          );
          return;
        }
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, out: stdout });
      },
    );
  });
}

describe('the README', () => {
  it("Python publisher reaches a thread's member, and reports a refusal", async () => {
    const api = await startApi();
    open.push(api);
    const pair = createMemorySocketPair();
    const id = await api.manager.connectUser(userId('alice'), pair.server);
    await api.manager.joinThread(id, threadId('chat:lobby'));
    const file = await readmePublisher();
    const url = `http://127.0.0.1:${api.port}/api`;

    const ok = await runPython(file, [url, 'chat:lobby', 'hello from python'], testKeys.admin);
    expect(ok.code).toBe(0);
    const [status, json] = [ok.out.slice(0, 3), JSON.parse(ok.out.slice(4)) as { offset: string }];
    expect(status).toBe('200');
    const msg = pair.client.framesOf('message').at(-1);
    expect(msg).toMatchObject({
      thread: 'chat:lobby',
      from: null,
      data: { text: 'hello from python' },
    });
    expect(msg?.offset).toBe(json.offset);

    const refused = await runPython(file, [url, 'chat:lobby', 'x'], 'not-the-key-0123456789');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/^401 \{"error": \{"code": "unauthorized"/);
  });
});
