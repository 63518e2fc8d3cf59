/**
 * Builds the client with its own `tsup.config.ts` (the same JS as `dist/`, without types) into a
 * temporary directory, and measures a minified + gzipped browser bundle of an entry with esbuild.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs tsup (ESM only, no declarations) into a new temporary directory; returns it. */
export function buildEsm(): string {
  const outDir = mkdtempSync(path.join(tmpdir(), 'ws-client-bundle-'));
  const tsup = createRequire(path.join(packageDir, 'package.json')).resolve(
    'tsup/dist/cli-default.js',
  );
  const res = spawnSync(
    process.execPath,
    [tsup, '--out-dir', outDir, '--format', 'esm', '--no-dts', '--silent'],
    {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (res.status !== 0)
    throw new Error(`tsup failed (${String(res.status)}): ${res.stderr}${res.stdout}`);
  return outDir;
}

/**
 * For a test file: builds the bundle before its tests (`buildEsm`) and removes it after them;
 * returns where it is (valid once the tests run).
 */
export function useBuiltBundle(): () => string {
  let outDir = '';
  beforeAll(() => {
    outDir = buildEsm();
  }, 120_000);
  afterAll(() => {
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  });
  return () => outDir;
}

export interface BundleSize {
  readonly minified: number;
  readonly gzipped: number;
}

/** esbuild: bundle + minify an entry for browsers (ESM), then gzip (level 9). */
export async function measure(entry: string): Promise<BundleSize> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    nodePaths: [path.join(packageDir, 'node_modules')],
  });
  const code = out.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}
