#!/usr/bin/env node
// Prints the browser bundle size of the built client (run `pnpm build` first): each ESM entry of
// dist/ bundled by esbuild for browsers (ES2020), minified, then gzip -9.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const entry of ['index', 'msgpack']) {
  const file = path.join(dir, 'dist', `${entry}.js`);
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`pnpm build\` first`);
    process.exit(1);
  }
  const out = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  const gz = gzipSync(code, { level: 9 }).byteLength;
  console.log(
    `${entry.padEnd(8)} ${String(code.byteLength).padStart(6)} B minified  ${String(gz).padStart(6)} B gzipped`,
  );
}
