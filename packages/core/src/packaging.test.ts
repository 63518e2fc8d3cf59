/**
 * The published @ws/core, as an npm user gets it: `pnpm pack` the built package, install the
 * tarball with npm into a fresh project outside the workspace, and load it with plain Node
 * (ESM `import` and CJS `require`, the main entry and `@ws/core/testing`).
 *
 * Builds nothing: `pnpm test` runs `pnpm build` before the tests.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CORE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_FILES = ['index.js', 'index.cjs', 'index.d.ts', 'testing.js', 'testing.cjs'];
const TIMEOUT = 120_000;

/** The parent pnpm/vitest environment, minus what would steer the child npm or node. */
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_|pnpm_)/i.test(key) && key !== 'NODE_OPTIONS' && key !== 'NODE_PATH',
  ),
);

interface LoadResult {
  createManager: string;
  testing: string[];
}

describe('@ws/core as published', () => {
  let packDir = '';
  let consumerDir = '';

  beforeAll(async () => {
    const missing = DIST_FILES.filter((f) => !existsSync(path.join(CORE_DIR, 'dist', f)));
    if (missing.length > 0) {
      throw new Error(
        `packages/core/dist is missing ${missing.join(', ')}: run \`pnpm build\` ` +
          '(or `pnpm --filter @ws/core build`) before this test.',
      );
    }
    packDir = mkdtempSync(path.join(os.tmpdir(), 'ws-core-pack-'));
    consumerDir = mkdtempSync(path.join(os.tmpdir(), 'ws-core-consumer-'));

    await run('pnpm', ['pack', '--pack-destination', packDir], { cwd: CORE_DIR, env: childEnv });
    const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`pnpm pack wrote no tarball to ${packDir}`);

    writeFileSync(
      path.join(consumerDir, 'package.json'),
      `${JSON.stringify({ name: 'ws-core-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
    );
    await run(
      'npm',
      [
        'install',
        path.join(packDir, tgz),
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        '--prefer-offline',
        '--loglevel=error',
      ],
      { cwd: consumerDir, env: childEnv },
    );
  }, TIMEOUT);

  afterAll(() => {
    for (const dir of [packDir, consumerDir]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  async function load(args: string[]): Promise<LoadResult> {
    const { stdout } = await run(process.execPath, args, { cwd: consumerDir, env: childEnv });
    return JSON.parse(stdout) as LoadResult;
  }

  it(
    'loads with import (ESM), main entry and @ws/core/testing',
    async () => {
      const result = await load([
        '--input-type=module',
        '-e',
        [
          "import { createManager } from '@ws/core';",
          "import * as testing from '@ws/core/testing';",
          'console.log(JSON.stringify({ createManager: typeof createManager, testing: Object.keys(testing).sort() }));',
        ].join('\n'),
      ]);
      expect(result.createManager).toBe('function');
      expect(result.testing.length).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'loads with require (CJS), main entry and @ws/core/testing',
    async () => {
      const result = await load([
        '-e',
        [
          "const core = require('@ws/core');",
          "const testing = require('@ws/core/testing');",
          'console.log(JSON.stringify({ createManager: typeof core.createManager, testing: Object.keys(testing).sort() }));',
        ].join('\n'),
      ]);
      expect(result.createManager).toBe('function');
      expect(result.testing.length).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it('installs neither ws nor ioredis (they are peers of other packages)', () => {
    expect(existsSync(path.join(consumerDir, 'node_modules', '@ws', 'core'))).toBe(true);
    expect(existsSync(path.join(consumerDir, 'node_modules', 'ws'))).toBe(false);
    expect(existsSync(path.join(consumerDir, 'node_modules', 'ioredis'))).toBe(false);
  });

  it('ships dist only, with no workspace: ranges left in package.json', () => {
    const installed = path.join(consumerDir, 'node_modules', '@ws', 'core');
    expect(existsSync(path.join(installed, 'src'))).toBe(false);
    const manifest = readFileSync(path.join(installed, 'package.json'), 'utf8');
    expect(manifest).not.toContain('workspace:');
    // The development condition points at src/, which is not shipped.
    expect(manifest).not.toContain('@ws/source');
  });
});
